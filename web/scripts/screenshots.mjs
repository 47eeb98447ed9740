// Screenshots of the main screens for the README, made from the demo data by the real server and Chromium:
// `node scripts/screenshots.mjs` (after `cargo build -p api --bin groundwork`) writes docs/screenshots/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshData, graphql, launchBrowser, phoneContext, removeData, signIn, startServer } from '../tests/harness.mjs';

const out = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));
mkdirSync(out, { recursive: true });
const data = freshData({ demoPeople: 120 });
const server = await startServer(data.dataDir);
const browser = await launchBrowser();
try {
  const { context } = await phoneContext(browser, server, { width: 390, height: 844 });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: join(out, `${name}.png`) });
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in to Groundwork' }).waitFor();
  await shot('sign-in');
  await signIn(page);
  await shot('campaigns');
  const chart = (await graphql(context, server.url, `query($c: ID!) { wallChart(campaignId: $c) { units { id people { personId } } } }`, { c: data.campaignId })).wallChart;
  const unit = chart.units.find((u) => u.people.length > 3);
  await page.goto(`/campaigns/${data.campaignId}`);
  await page.locator(`li[data-unit-id="${unit.id}"] .unit-toggle`).click();
  await page.locator(`li[data-unit-id="${unit.id}"] li[data-person-id]`).first().scrollIntoViewIfNeeded();
  await shot('wall-chart');
  await page.goto(`/people/${unit.people[0].personId}`);
  await page.locator('.timeline li').first().waitFor();
  await shot('person');
  await page.getByRole('button', { name: 'Log a 1:1' }).click();
  await page.getByRole('dialog').waitFor();
  await shot('log-a-1-1');
  await page.keyboard.press('Escape');
  await page.goto(`/people?campaign=${data.campaignId}`);
  await page.locator('ul.people li').nth(3).waitFor();
  await page.locator('.filters summary').click();
  for (const index of [0, 2]) await page.locator('ul.people li input[type="checkbox"]').nth(index).check();
  await page.locator('section.bulk').scrollIntoViewIfNeeded();
  await shot('people');
  await page.goto('/tasks/board');
  await page.locator('.progress-table, .no-tasks').first().waitFor();
  await shot('task-board');
  await page.goto(`/campaigns/${data.campaignId}/tests`);
  await page.locator('article.test-card').first().waitFor();
  await shot('structure-tests');
  // The admin screens: users, and a campaign's set-up.
  await page.goto('/admin/users');
  await page.locator('li[data-user-id]').first().waitFor();
  await shot('admin-users');
  await page.goto(`/admin/campaigns/${data.campaignId}`);
  await page.locator('li[data-unit-id]').first().waitFor();
  await shot('campaign-set-up');
  // A laptop: the wall chart with a unit's people beside the person.
  const { context: laptop } = await phoneContext(browser, server, { width: 1440, height: 900 });
  const wide = await laptop.newPage();
  await signIn(wide);
  await wide.goto(`/campaigns/${data.campaignId}`);
  await wide.locator(`li[data-unit-id="${unit.id}"] .unit-toggle`).click();
  await wide.locator(`li[data-unit-id="${unit.id}"] li[data-person-id="${unit.people[0].personId}"] a`).click();
  await wide.locator('.split-detail .timeline li').first().waitFor();
  await wide.screenshot({ path: join(out, 'desktop-wall-chart-and-person.png') });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
  removeData(data.dataDir);
}
