// A CPU profile of the wall chart's load in Chromium (4× throttling), summarised by self time per function:
// where the time to "usable" goes. A tool for docs/performance.md, not a test.
//   GROUNDWORK_BIN=… node scripts/profile-chart.mjs [--people 10000] [--keep DIR]
import { BINARY, keptDemo, graphql, launchBrowser, phoneContext, removeData, signIn, startServer } from '../tests/harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const PEOPLE = Number(option('people', 10_000));
const say = (text) => process.stderr.write(`${text}\n`);

say(`building ${PEOPLE} people (${BINARY})…`);
const data = keptDemo(PEOPLE, option('keep', null));
const server = await startServer(data.dataDir);
const browser = await launchBrowser();
try {
  const { context } = await phoneContext(browser, server, { width: 1280, height: 800 });
  const page = await context.newPage();
  await signIn(page);
  const chart = (await graphql(context, server.url, 'query($c: ID!) { wallChart(campaignId: $c) { units { id retired people { personId } } } }', { c: data.campaignId })).wallChart;
  const units = chart.units.length;
  const target = chart.units.find((unit) => !unit.retired && unit.people.length > 0);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  // A warm-up load (server caches), then the profiled one.
  for (const profiled of [false, true]) {
    await page.goto('about:blank');
    if (profiled) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    await page.goto(`/campaigns/${data.campaignId}`, { waitUntil: 'commit' });
    const rendered = await (
      await page.waitForFunction((count) => (document.querySelectorAll('li[data-unit-id]').length >= count ? performance.now() : false), units, { polling: 'raf', timeout: 120_000 })
    ).jsonValue();
    await page.locator(`li[data-unit-id="${target.id}"] .unit-toggle`).click();
    const opened = await (
      await page.waitForFunction((id) => (document.querySelector(`li[data-unit-id="${id}"] li[data-person-id]`) ? performance.now() : false), target.id, { polling: 'raf', timeout: 120_000 })
    ).jsonValue();
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const chart = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/graphql'));
      return { domContentLoaded: nav?.domContentLoadedEventEnd, requests: chart.map((r) => [Math.round(r.startTime), Math.round(r.responseEnd), r.transferSize]) };
    });
    say(`${profiled ? 'profiled' : 'warm-up'}: units ${rendered.toFixed(0)} ms, open ${opened.toFixed(0)} ms, ${JSON.stringify(timing)}`);
    if (profiled) {
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map();
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      const counts = new Map();
      for (const sample of profile.samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
      const dt = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
      for (const [id, count] of counts) {
        const node = byId.get(id);
        const frame = node.callFrame;
        const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}:${frame.columnNumber}`;
        self.set(key, (self.get(key) ?? 0) + count * dt);
      }
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
      for (const [key, time] of top) console.log(`${time.toFixed(1).padStart(8)} ms  ${key}`);
    }
  }
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  removeData(data.dataDir);
}
