// The browser app against the real server: sign in, the campaign home, the wall chart (figures equal to
// the GraphQL answer, live changes from another browser, as of a past day, the print view), the person page
// (assess in one tap, log a 1:1, the conflict flow), my tasks, the Spanish app, axe-core on every screen in
// both languages, and the keyboard-only path sign in → wall chart → person → log a 1:1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_EMAIL,
  axeViolations,
  focusReaches,
  freshData,
  graphql,
  launchBrowser,
  phoneContext,
  removeData,
  signIn,
  startServer,
} from './harness.mjs';

const CHART = `query($c: ID!, $asOf: DateTime) { wallChart(campaignId: $c, asOf: $asOf) {
  campaign { name scale { level label } }
  totals { people assessed uncovered }
  units { id name retired figures { people assessed uncovered } people { personId name level } } } }`;
const PERSON = `query($id: ID!) { person(id: $id) { id name level oneOnOnes { id } } }`;

let data;
let server;
let browser;

before(async () => {
  data = freshData({ demoPeople: 40 });
  server = await startServer(data.dataDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (data) removeData(data.dataDir);
});

/** A signed-in phone with its problems list (requests to other hosts, CSP violations, page errors). */
async function signedIn(options = {}) {
  const { context, problems } = await phoneContext(browser, server, options);
  const page = await context.newPage();
  await signIn(page);
  return { context, page, problems };
}

/** The chart as the API answers it, through the signed-in context's session. */
async function chart(context, asOf = null) {
  return (await graphql(context, server.url, CHART, { c: data.campaignId, asOf })).wallChart;
}

/** A unit with people in it, and its first person. */
function someone(answer, skip = 0) {
  const units = answer.units.filter((unit) => !unit.retired && unit.people.length > 0);
  const unit = units[skip % units.length];
  return { unit, person: unit.people[0] };
}

/** Presses Tab until the focused element matches `predicate` (evaluated in the page); fails after `max`. */
async function tabTo(page, predicate, arg, max = 80) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate, arg)) return;
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`Tab never reached the element; focus is on ${focused}`);
}

const focusedText = (text) => document.activeElement?.textContent?.trim().startsWith(text) ?? false;

describe('the browser app', () => {
  test('a wrong password says so; the right one opens the campaigns; sign out ends the session', async () => {
    const { context, problems } = await phoneContext(browser, server);
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Groundwork' }).waitFor();
    await page.getByLabel('Email address').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('.error-summary');
    await alert.getByText('The email or password is not right').waitFor();
    await focusReaches(page, 'the error summary', () => document.activeElement?.classList.contains('error-summary'));

    await signIn(page);
    await page.getByRole('link', { name: 'Me' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Groundwork' }).waitFor();
    const after = await context.request.post(`${server.url}/graphql`, {
      headers: { 'X-Groundwork-CSRF': '1' },
      data: { query: '{ me { userId } }' },
    });
    assert.equal(after.status(), 401);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('repeated wrong passwords end in the throttling message', async () => {
    const { context } = await phoneContext(browser, server);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill('someone.else@example.org');
    await page.getByLabel('Password').fill('wrong wrong wrong');
    let throttled = false;
    for (let attempt = 0; attempt < 8 && !throttled; attempt += 1) {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/auth/sign-in')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      throttled = response.status() === 429;
    }
    assert.ok(throttled, 'the server never throttled');
    await page.locator('.error-summary').getByText('Too many tries').waitFor();
    await context.close();
  });

  test('the campaign home and the wall chart show the figures the API answers', async () => {
    const { context, page, problems } = await signedIn();
    const answer = await chart(context);
    const card = page.locator('article.card', { hasText: answer.campaign.name });
    await card.getByText(`${answer.totals.people} people of a goal of`).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'campaign home');

    await card.getByRole('link', { name: 'Open the wall chart' }).click();
    await page.getByRole('heading', { name: `Wall chart: ${answer.campaign.name}` }).waitFor();
    for (const unit of answer.units.filter((u) => !u.retired)) {
      const row = page.locator(`li[data-unit-id="${unit.id}"] > .figure-line`);
      const text = await row.textContent();
      const people = unit.figures.people === 1 ? '1 person' : `${unit.figures.people} people`;
      assert.ok(text.includes(people), `${unit.name}: ${text} lacks ${people}`);
      assert.ok(text.includes(`${unit.figures.assessed} assessed`), `${unit.name}: ${text}`);
      assert.ok(text.includes(`${unit.figures.uncovered} uncovered`), `${unit.name}: ${text}`);
    }
    const { unit, person } = someone(answer);
    await page.locator(`li[data-unit-id="${unit.id}"] .unit-toggle`).click();
    const row = page.locator(`li[data-person-id="${person.personId}"]`).first();
    await row.waitFor();
    const chip = (await row.locator('.chip').textContent()).trim();
    if (person.level == null) assert.match(chip, /not assessed/);
    else assert.ok(chip.startsWith(String(person.level)), `chip ${chip} for level ${person.level}`);
    assert.deepEqual(await axeViolations(page), [], 'wall chart');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('structure tests: progress on the campaign home, each unit’s share against the goal on the wall chart', async () => {
    const { context, page, problems } = await signedIn();
    const found = await graphql(
      context,
      server.url,
      `query($c: ID!) { activity(campaignId: $c, filter: { kinds: ["StructureTestCreated"] }, first: 5) { edges { node { structureTestId } } } }`,
      { c: data.campaignId },
    );
    const testId = found.activity.edges[0]?.node.structureTestId;
    assert.ok(testId, 'the demo has no structure test');
    const answer = await graphql(
      context,
      server.url,
      `query($c: ID!, $t: ID!) { structureTest(id: $t) { name goalPercent }
        wallChart(campaignId: $c, structureTestId: $t) { units { id retired figures { structureTest { participation goalReached } } } } }`,
      { c: data.campaignId, t: testId },
    );
    const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });
    await page.locator('article.card').getByText(`${answer.structureTest.name}:`).waitFor();

    await page.goto(`/campaigns/${data.campaignId}`);
    await page.getByLabel('Show a structure test').selectOption(testId);
    const units = answer.wallChart.units.filter((u) => !u.retired && u.figures.structureTest);
    assert.ok(units.length > 0);
    for (const unit of units) {
      const test = unit.figures.structureTest;
      const expected = `${percent.format(test.participation)} took part (goal ${answer.structureTest.goalPercent}%)${test.goalReached ? '' : ' · below the goal'}`;
      await page.locator(`li[data-unit-id="${unit.id}"] > .figure-line li`, { hasText: expected }).waitFor();
    }
    assert.deepEqual(await axeViolations(page), [], 'wall chart with a structure test');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('keyboard only: sign in, wall chart, person, log a 1:1', async () => {
    const { context, problems } = await phoneContext(browser, server);
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Groundwork' }).waitFor();
    await tabTo(page, () => document.activeElement?.id === 'email');
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type('correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your campaigns' }).waitFor();

    await tabTo(page, focusedText, 'Open the wall chart');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Wall chart:' }).waitFor();
    const answer = await chart(context);
    const { unit, person } = someone(answer, 1);
    await tabTo(page, (id) => document.activeElement?.closest('li')?.dataset.unitId === id && document.activeElement.classList.contains('unit-toggle'), unit.id, 200);
    await page.keyboard.press('Enter');
    await tabTo(page, (id) => document.activeElement?.closest('li')?.dataset.personId === id, person.personId, 200);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: person.name }).waitFor();

    const before = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    await tabTo(page, focusedText, 'Log a 1:1');
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: 'Log a 1:1' });
    await sheet.waitFor();
    // The form opens with today's date and the current level, and the next step field focused.
    await focusReaches(page, 'the next step field', () => document.activeElement?.id === 'one-on-one-next-step');
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    assert.equal(await sheet.getByLabel('When did you talk?').inputValue(), today);
    assert.equal(await sheet.getByLabel('Level after the conversation').inputValue(), before.level == null ? '' : String(before.level));
    assert.deepEqual(await axeViolations(page), [], 'the 1:1 sheet');
    await page.keyboard.type('Bring two coworkers to Thursday’s meeting');
    await tabTo(page, focusedText, 'Save the 1:1');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().postData()?.includes('LogOneOnOne')),
      page.keyboard.press('Enter'),
    ]);
    await page.getByRole('status').getByText('The 1:1 is saved.').waitFor();
    // Focus went back to the button that opened the sheet.
    await focusReaches(page, 'the “Log a 1:1” button', () => document.activeElement?.textContent?.trim() === 'Log a 1:1');
    const saved = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    assert.equal(saved.oneOnOnes.length, before.oneOnOnes.length + 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a 1:1 logged on one phone shows on another phone’s open wall chart, marked', async () => {
    const watcher = await signedIn({ width: 390, height: 844 });
    const logger = await signedIn({ width: 390, height: 844 });
    const answer = await chart(watcher.context);
    const { unit, person } = someone(answer, 2);
    const level = person.level === 1 ? 2 : 1;

    await watcher.page.goto(`/campaigns/${data.campaignId}`);
    await watcher.page.locator(`li[data-unit-id="${unit.id}"] .unit-toggle`).click();
    const cell = watcher.page.locator(`li[data-person-id="${person.personId}"]`).first();
    await cell.waitFor();

    await logger.page.goto(`/people/${person.personId}`);
    await logger.page.getByRole('button', { name: 'Log a 1:1' }).click();
    const sheet = logger.page.getByRole('dialog', { name: 'Log a 1:1' });
    await sheet.getByLabel('Level after the conversation').selectOption(String(level));
    await sheet.getByRole('button', { name: 'Save the 1:1' }).click();
    await logger.page.getByRole('status').getByText('The 1:1 is saved.').waitFor();

    await watcher.page.locator(`li.changed[data-person-id="${person.personId}"] .chip-number`, { hasText: String(level) }).waitFor();
    assert.deepEqual(watcher.problems, []);
    assert.deepEqual(logger.problems, []);
    await watcher.context.close();
    await logger.context.close();
  });

  test('assess in one tap; a change made elsewhere first is shown and can be applied again', async () => {
    const first = await signedIn();
    const second = await signedIn();
    const { person } = someone(await chart(first.context), 3);
    await first.page.goto(`/people/${person.personId}`);
    await second.page.goto(`/people/${person.personId}`);
    const assessButton = (page, level) => page.locator('.assess-buttons button', { has: page.locator('.chip-number', { hasText: new RegExp(`^${level}$`) }) });

    await assessButton(first.page, 2).click();
    await first.page.getByRole('status').getByText('Assessed at level 2.').waitFor();
    // The second phone opens the person after that change, so it holds the newest version.
    await second.page.reload();
    await second.page.locator('.person-head .chip-number', { hasText: '2' }).waitFor();
    await assessButton(second.page, 3).click();
    await second.page.getByRole('status').getByText('Assessed at level 3.').waitFor();

    // The first phone still holds the version before the second phone's change.
    await assessButton(first.page, 4).click();
    const conflict = first.page.locator('.conflict');
    await conflict.getByText('Someone else changed this person first').waitFor();
    await first.page.locator('.person-head .chip-number', { hasText: '3' }).waitFor();
    // Both versions side by side: what this phone tried, and where the person stands now.
    await conflict.locator('.conflict-compare').getByText('Assessed at level 4.').waitFor();
    await conflict.locator('.conflict-compare .chip-number', { hasText: '3' }).waitFor();
    // What changed meanwhile, with who did it.
    await conflict.locator('.conflict-changes li', { hasText: 'You' }).first().waitFor();
    assert.deepEqual(await axeViolations(first.page), [], 'the conflict');
    await conflict.getByRole('button', { name: 'Apply my change again' }).click();
    await first.page.getByRole('status').getByText('Assessed at level 4.').waitFor();
    const stored = (await graphql(first.context, server.url, PERSON, { id: person.personId })).person;
    assert.equal(stored.level, 4);
    await first.context.close();
    await second.context.close();
  });

  test('a note is added and read back on request; call and text links show, email hidden when they asked', async () => {
    const { context, page, problems } = await signedIn();
    const { person } = someone(await chart(context), 6);
    const add = `mutation($input: AddContactPointInput!) { addContactPoint(input: $input) { id } }`;
    await graphql(context, server.url, add, { input: { personId: person.personId, label: 'MOBILE', phone: '+15550100123' } });
    await graphql(context, server.url, add, { input: { personId: person.personId, label: 'HOME', email: 'private@example.org', doNotContact: true } });
    await page.goto(`/people/${person.personId}`);
    await page.getByRole('heading', { level: 1, name: person.name }).waitFor();
    await page.getByRole('link', { name: 'Call +15550100123 (mobile)' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Text +15550100123 (mobile)' }).getAttribute('href'), 'sms:+15550100123');
    assert.equal(await page.locator('a[href^="mailto:private@"]').count(), 0);
    await page.getByText('Asked not to be contacted on some channels').waitFor();

    await page.getByRole('button', { name: 'Add a note' }).click();
    let sheet = page.getByRole('dialog', { name: 'Add a note' });
    await sheet.getByRole('button', { name: 'Save the note' }).click();
    await sheet.getByText('Write the note first.').waitFor();
    // What was typed survives a reload.
    await sheet.getByLabel('Note').fill('Worried about the night-shift');
    await page.reload();
    await page.getByRole('button', { name: 'Add a note' }).click();
    sheet = page.getByRole('dialog', { name: 'Add a note' });
    assert.equal(await sheet.getByLabel('Note').inputValue(), 'Worried about the night-shift');
    await sheet.getByLabel('Note').fill('Worried about the night-shift schedule');
    await sheet.getByRole('button', { name: 'Save the note' }).click();
    await page.getByRole('status').getByText('The note is saved.').waitFor();
    await page.getByRole('button', { name: 'Show the notes (the read is recorded)' }).click();
    await page.locator('.note-list').getByText('Worried about the night-shift schedule').waitFor();
    // Once saved, the draft is gone: the form opens empty.
    await page.getByRole('button', { name: 'Add a note' }).click();
    assert.equal(await page.getByRole('dialog', { name: 'Add a note' }).getByLabel('Note').inputValue(), '');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a 1:1 logged offline is kept, sent once back online, and stored exactly once', async () => {
    const { context, page, problems } = await signedIn({ width: 390, height: 844 });
    const { person } = someone(await chart(context), 7);
    const before = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    await page.goto(`/people/${person.personId}`);
    await page.getByRole('heading', { level: 1, name: person.name }).waitFor();

    await context.setOffline(true);
    await page.getByText('You are offline.').waitFor();
    await page.getByRole('button', { name: 'Log a 1:1' }).click();
    const sheet = page.getByRole('dialog', { name: 'Log a 1:1' });
    await sheet.getByLabel('Next step').fill('Sign the petition on Monday');
    await sheet.getByRole('button', { name: 'Save the 1:1' }).click();
    await page.getByRole('status').getByText('No signal: the change is kept on this phone').waitFor();
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('groundwork.outbox') ?? '[]'));
    assert.equal(kept.length, 1);
    assert.equal(kept[0].kind, 'logOneOnOne');

    const [sentRequest] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/graphql') && (r.postData() ?? '').includes(kept[0].variables.idempotencyKey)),
      context.setOffline(false),
    ]);
    await page.getByText('Sent 1 change made offline.').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('groundwork.outbox')), null);
    const after = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    assert.equal(after.oneOnOnes.length, before.oneOnOnes.length + 1);

    // Had the first send reached the server before the signal dropped, sending again stores nothing new.
    const again = await (
      await context.request.post(`${server.url}/graphql`, {
        headers: { 'X-Groundwork-CSRF': '1', 'Content-Type': 'application/json' },
        data: sentRequest.postData(),
      })
    ).json();
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.equal(again.data.logOneOnOne.replayed, true);
    const still = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    assert.equal(still.oneOnOnes.length, before.oneOnOnes.length + 1);
    assert.deepEqual(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED')), []);
    await context.close();
  });

  test('as of a past day: a banner says so, the figures are that day’s, and a link goes back to today', async () => {
    const { context, page, problems } = await signedIn();
    await page.goto(`/campaigns/${data.campaignId}`);
    await page.locator('h1', { hasText: 'Wall chart:' }).waitFor();
    const day = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    await page.getByLabel('See it as it was on').fill(iso);
    await page.getByRole('button', { name: 'Show that day' }).click();
    const banner = page.getByRole('region', { name: 'Past view' });
    await banner.getByText('You are looking at the past').waitFor();
    const past = await chart(context, new Date(`${iso}T23:59:59.999`).toISOString());
    const totals = await page.locator('.unit.totals .figure-line').textContent();
    assert.ok(totals.includes(`${past.totals.people} people`) || (past.totals.people === 1 && totals.includes('1 person')), totals);
    assert.ok(totals.includes(`${past.totals.assessed} assessed`), totals);
    assert.deepEqual(await axeViolations(page), [], 'as-of wall chart');
    await banner.getByRole('link', { name: 'Back to today' }).click();
    await page.locator('h1', { hasText: 'Wall chart:' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Past view' }).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the print view lays out every unit with its people for paper', async () => {
    const { context, page } = await signedIn();
    const answer = await chart(context);
    await page.goto(`/campaigns/${data.campaignId}`);
    await page.getByRole('button', { name: 'Print view' }).click();
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.bottom-nav').isVisible(), false);
    assert.equal(await page.locator('.toolbar').isVisible(), false);
    assert.ok(await page.locator('.print-stamp').isVisible());
    const withPeople = answer.units.filter((u) => !u.retired && u.people.length > 0);
    for (const unit of withPeople) {
      const first = page.locator(`li[data-unit-id="${unit.id}"] li[data-person-id="${unit.people[0].personId}"]`);
      assert.ok(await first.isVisible(), `${unit.name}'s people are not printed`);
    }
    const pdf = await page.pdf({ landscape: true });
    assert.ok(pdf.length > 1000);
    await context.close();
  });

  test('my tasks: a task assigned to me is listed with its person and can be marked done', async () => {
    const { context, page, problems } = await signedIn();
    const { person } = someone(await chart(context), 4);
    await graphql(
      context,
      server.url,
      `mutation($input: AssignTaskInput!) { assignTask(input: $input) { id } }`,
      { input: { campaignId: data.campaignId, kind: 'FOLLOW_UP', title: 'Call back about the petition', assigneeId: data.adminId, subjectIds: [person.personId], due: '2030-01-15' } },
    );
    await page.getByRole('link', { name: 'Tasks' }).click();
    const task = page.locator('li.task', { hasText: 'Call back about the petition' });
    await task.getByRole('link', { name: person.name }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'my tasks');
    await task.getByRole('button', { name: 'Mark “Call back about the petition” done' }).click();
    await page.getByRole('status').getByText('Marked done.').waitFor();
    await page.locator('li.task', { hasText: 'Call back about the petition' }).waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [locale, words] of [
    ['en-US', { signIn: 'Sign in to Groundwork', home: 'Your campaigns', people: 'People', navTasks: 'Tasks', tasks: 'My tasks', me: 'Me', log: 'Log a 1:1', note: 'Add a note' }],
    ['es-MX', { signIn: 'Entra a Groundwork', home: 'Tus campañas', people: 'Personas', navTasks: 'Tareas', tasks: 'Mis tareas', me: 'Yo', log: 'Anotar un uno a uno', note: 'Agregar una nota' }],
  ]) {
    test(`axe finds nothing on any screen (${locale})`, async () => {
      const { context, problems } = await phoneContext(browser, server, { locale });
      const page = await context.newPage();
      const check = async (screen) => {
        assert.deepEqual(await axeViolations(page), [], `${screen} (${locale})`);
        // Phone first: nothing scrolls sideways at 360 px.
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${screen} (${locale}) is ${width} px wide`);
      };
      await page.goto('/');
      await page.getByRole('heading', { name: words.signIn }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), locale.slice(0, 2));
      await check('sign in');
      // axe itself is awake: a field without a label is caught.
      await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<input id="axe-canary">'));
      assert.ok((await axeViolations(page)).some((line) => line.startsWith('label')), 'axe missed an unlabelled field');
      await page.evaluate(() => document.getElementById('axe-canary')?.remove());
      await signIn(page);
      await page.getByRole('heading', { name: words.home }).waitFor();
      await check('campaigns');
      const answer = await chart(context);
      const { unit, person } = someone(answer, 5);
      await page.goto(`/campaigns/${data.campaignId}`);
      await page.locator(`li[data-unit-id="${unit.id}"] .unit-toggle`).click();
      await page.locator('.filters summary').click();
      await check('wall chart with filters open');
      await page.goto(`/people/${person.personId}`);
      await page.getByRole('heading', { level: 1, name: person.name }).waitFor();
      await check('person');
      await page.getByRole('button', { name: words.log }).click();
      await page.getByRole('dialog').waitFor();
      await check('1:1 sheet');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: words.note }).click();
      await page.getByRole('dialog').waitFor();
      await check('note sheet');
      await page.keyboard.press('Escape');
      await page.getByRole('link', { name: words.people, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: words.people }).waitFor();
      await page.locator('ul.people li').first().waitFor();
      await check('people');
      await page.getByRole('link', { name: words.navTasks, exact: true }).click();
      await page.getByRole('heading', { name: words.tasks }).waitFor();
      await check('tasks');
      await page.getByRole('link', { name: words.me, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: words.me }).waitFor();
      await check('me');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('GraphiQL at /graphql comes from this server alone', async () => {
    const { context, problems } = await phoneContext(browser, server, { width: 1280, height: 800 });
    const page = await context.newPage();
    await signIn(page);
    await page.goto('/graphql');
    await page.locator('.graphiql-container').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});
