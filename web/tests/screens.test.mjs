// The planning screens against the real server: people (filters, sort, pages that load on scroll, bulk
// assign and assess, CSV export), the person's edits (contact points with a field error, move unit,
// connect two people), the leads' task board (create, reassign, due date, done, progress per assignee),
// structure tests (create, record a step, each unit's share), the conflict flow with two browser contexts
// on the people list and on the task board, and axe-core on every new screen in English and Spanish.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  axeViolations,
  freshData,
  graphql,
  inviteAndAccept,
  launchBrowser,
  phoneContext,
  removeData,
  signIn,
  startServer,
} from './harness.mjs';

const ORGANIZER_EMAIL = 'rosa.organizer@example.org';

let data;
let server;
let browser;
let organizerId;

before(async () => {
  // More people than one page (50), so the list has to load a second page as it scrolls.
  data = freshData({ demoPeople: 120 });
  server = await startServer(data.dataDir);
  browser = await launchBrowser();
  const { context } = await phoneContext(browser, server);
  const page = await context.newPage();
  await signIn(page);
  organizerId = await inviteAndAccept(context, server.url, ORGANIZER_EMAIL, 'ORGANIZER', 'rosa organizer passphrase');
  await context.close();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (data) removeData(data.dataDir);
});

async function signedIn(options = {}) {
  const { context, problems } = await phoneContext(browser, server, options);
  const page = await context.newPage();
  await signIn(page);
  return { context, page, problems };
}

const PEOPLE = `query($c: ID!, $f: PeopleFilter, $s: PeopleSort) { people(campaignId: $c, filter: $f, sort: $s, first: 100) {
  totalCount edges { node { id name level organizerId version unitIds } } } }`;
const PERSON = `query($id: ID!) { person(id: $id) { id name version unitIds organizerId level
  contactPoints { id kind value doNotContact } connections { targetId kind active } } }`;

async function people(context, filter = {}, sort = null) {
  return (await graphql(context, server.url, PEOPLE, { c: data.campaignId, f: filter, s: sort })).people;
}

const noSideways = async (page, screen) => {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= (page.viewportSize()?.width ?? 360), `${screen} is ${width} px wide`);
};

describe('the planning screens', () => {
  test('people: filters, sort, pages on scroll, bulk assign an organizer, export to CSV', async () => {
    const { context, page, problems } = await signedIn();
    await page.goto(`/people?campaign=${data.campaignId}`);
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    const all = await people(context);
    await page.locator('.people-count', { hasText: `${all.totalCount} people` }).waitFor();

    // Pages load as the list scrolls: the end of the first 50 brings the next.
    assert.ok(all.totalCount > 50);
    await page.locator('ul.people li').nth(49).waitFor();
    assert.equal(await page.locator('ul.people li').count(), 50);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.locator('ul.people li').nth(50).waitFor();

    // Sort: family name Z to A, as the API orders it.
    const reversed = await people(context, {}, 'FAMILY_NAME_DESC');
    await page.getByLabel('Order').selectOption('FAMILY_NAME_DESC');
    await page.locator('ul.people li').first().locator('.person-name', { hasText: reversed.edges[0].node.name }).waitFor();

    // Filters: a level, as the API counts it; then, instead, the people without an organizer.
    await page.locator('.filters summary').click();
    await page.getByLabel(/^3 · /).check();
    const threes = await people(context, { levels: [3] });
    await page.locator('.people-count', { hasText: new RegExp(`^${threes.totalCount} (person|people)$`) }).waitFor();
    await page.getByLabel(/^3 · /).uncheck();
    await page.getByLabel('Organizer or not').selectOption('uncovered');
    const uncovered = await people(context, { uncovered: true }, 'FAMILY_NAME_DESC');
    assert.ok(uncovered.totalCount >= 2, 'the demo has too few uncovered people');
    await page.locator('.people-count', { hasText: new RegExp(`^${uncovered.totalCount} (person|people)$`) }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'people with filters open');
    await noSideways(page, 'people with filters');

    // Select two and give them an organizer.
    const [first, second] = uncovered.edges.map((edge) => edge.node);
    const box = (p, person) => p.locator(`ul.people li[data-person-id="${person.id}"] input[type="checkbox"]`);
    await box(page, first).check();
    await box(page, second).check();
    await page.getByLabel(`Select ${first.name}`).first().waitFor();
    const bulk = page.locator('section.bulk');
    await bulk.getByRole('heading', { name: '2 people selected' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'people with the bulk actions');
    await bulk.getByRole('button', { name: 'Assign' }).click();
    await bulk.getByText('Choose an organizer first.').waitFor();
    await bulk.getByLabel('Give everyone selected the organizer').selectOption(organizerId);
    await bulk.getByRole('button', { name: 'Assign' }).click();
    await bulk.getByText('2 people given the organizer.').waitFor();
    for (const person of [first, second]) {
      const stored = (await graphql(context, server.url, PERSON, { id: person.id })).person;
      assert.equal(stored.organizerId, organizerId, person.name);
    }
    // The list reads again: they are no longer uncovered.
    await page.locator('.people-count', { hasText: new RegExp(`^${uncovered.totalCount - 2} (person|people)$`) }).waitFor();

    // Export the people that match (the admin holds the export grant).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export these people (CSV)' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0], /^person_id,name,level/);
    assert.equal(lines.length - 1, uncovered.totalCount - 2);
    const left = uncovered.totalCount - 2;
    await page.getByText(left === 1 ? '1 person exported.' : `${left} people exported.`).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('people: a bulk change someone else overtook is listed and applied again on the new version', async () => {
    const lead = await signedIn();
    const other = await signedIn();
    const list = await people(lead.context, {}, 'FAMILY_NAME_ASC');
    const [ana, ben] = list.edges.map((edge) => edge.node);
    await lead.page.goto(`/people?campaign=${data.campaignId}`);
    for (const person of [ana, ben]) await lead.page.locator(`ul.people li[data-person-id="${person.id}"] input[type="checkbox"]`).check();

    // Meanwhile, on another phone, Ben is assessed.
    await other.page.goto(`/people/${ben.id}`);
    await other.page.locator('.assess-buttons button', { has: other.page.locator('.chip-number', { hasText: /^5$/ }) }).click();
    await other.page.getByRole('status').getByText('Assessed at level 5.').waitFor();

    const bulk = lead.page.locator('section.bulk');
    await bulk.getByLabel('Assess everyone selected at').selectOption('1');
    await bulk.getByRole('button', { name: 'Assess them' }).click();
    const conflict = bulk.locator('.conflict');
    await conflict.getByText('1 person was changed by someone else first').waitFor();
    await conflict.locator(`a[href="/people/${ben.id}"]`, { hasText: ben.name }).waitFor();
    assert.equal((await graphql(lead.context, server.url, PERSON, { id: ben.id })).person.level, 5);
    assert.equal((await graphql(lead.context, server.url, PERSON, { id: ana.id })).person.level, 1);
    assert.deepEqual(await axeViolations(lead.page), [], 'bulk conflict');
    await Promise.all([
      lead.page.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().postData()?.includes('mutation Assess')),
      conflict.getByRole('button', { name: 'Apply my change again' }).click(),
    ]);
    await conflict.waitFor({ state: 'detached' });
    await bulk.getByText('1 person assessed at level 1.').waitFor();
    assert.equal((await graphql(lead.context, server.url, PERSON, { id: ben.id })).person.level, 1);
    await lead.context.close();
    await other.context.close();
  });

  test('person: edit contact points (a field error next to the field), move unit, connect two people', async () => {
    const { context, page, problems } = await signedIn();
    const chart = (
      await graphql(context, server.url, `query($c: ID!) { wallChart(campaignId: $c) { units { id name retired people { personId name } } } }`, {
        c: data.campaignId,
      })
    ).wallChart;
    const units = chart.units.filter((unit) => !unit.retired);
    const from = units.find((unit) => unit.people.length >= 2);
    const to = units.find((unit) => unit !== from);
    const person = from.people[0];
    const friend = from.people[1];
    await page.goto(`/people/${person.personId}`);
    await page.getByRole('heading', { level: 1, name: person.name }).waitFor();

    await page.getByRole('button', { name: 'Edit ways to reach them' }).click();
    const sheet = page.getByRole('dialog', { name: 'Ways to reach them' });
    await sheet.waitFor();
    await sheet.getByLabel('Phone number').fill('call me maybe');
    await sheet.getByRole('button', { name: 'Add it' }).click();
    await sheet.locator('#contact-value-error', { hasText: 'Enter a phone number with its digits' }).waitFor();
    assert.equal(await sheet.getByLabel('Phone number').getAttribute('aria-describedby'), 'contact-value-error');
    assert.deepEqual(await axeViolations(page), [], 'contact sheet with an error');
    await sheet.getByLabel('Phone number').fill('+1 555 010 4477');
    await sheet.getByRole('button', { name: 'Add it' }).click();
    await page.getByRole('status').getByText('The contact is added.').waitFor();
    let stored = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    const phone = stored.contactPoints.find((point) => point.value?.includes('4477'));
    assert.ok(phone, 'the phone was not stored');
    // They ask not to be called there: the call and text buttons for it disappear.
    await sheet.getByLabel(/Asked not to be contacted at .*4477/).check();
    await page.getByRole('status').getByText('Marked: do not contact there.').waitFor();
    await sheet.getByRole('button', { name: 'Close' }).click();
    // (The screen reads the person again after the change: waited for, not asked once.)
    await page.locator('a[href^="tel:"][href*="4477"]').first().waitFor({ state: 'detached' });
    stored = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    assert.equal(stored.contactPoints.find((point) => point.id === phone.id).doNotContact, true);

    await page.getByRole('button', { name: 'Move to another unit' }).click();
    const move = page.getByRole('dialog', { name: 'Move to another unit' });
    await move.getByLabel('Which unit are they in now?').selectOption(to.id);
    assert.deepEqual(await axeViolations(page), [], 'move sheet');
    await move.getByRole('button', { name: 'Move them' }).click();
    await page.getByRole('status').getByText(`Moved to ${to.name}.`).waitFor();
    stored = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    assert.deepEqual(stored.unitIds, [to.id]);

    await page.getByRole('button', { name: 'Connect with someone' }).click();
    const connect = page.getByRole('dialog', { name: 'Connect with someone' });
    await connect.getByLabel('Find the other person by name').fill(friend.name);
    await connect.getByRole('button', { name: 'Search' }).click();
    await connect.getByLabel(friend.name, { exact: true }).check();
    assert.deepEqual(await axeViolations(page), [], 'connect sheet');
    await connect.getByRole('button', { name: 'Connect them' }).click();
    await page.getByRole('status').getByText(`Connected with ${friend.name}.`).waitFor();
    await page.locator('.connections').getByRole('link', { name: friend.name }).waitFor();
    stored = (await graphql(context, server.url, PERSON, { id: person.personId })).person;
    assert.ok(stored.connections.some((c) => c.targetId === friend.personId && c.active && c.kind === 'coworker of'));
    // The timeline names who did it.
    await page.locator('.timeline li', { hasText: 'You' }).first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('task board: a lead creates a task, reassigns it, moves its date, and sees progress per person', async () => {
    const { context, page, problems } = await signedIn({ width: 1280, height: 900 });
    await page.goto('/tasks');
    await page.getByRole('link', { name: 'Open the task board' }).click();
    await page.getByRole('heading', { level: 1, name: 'Task board' }).waitFor();
    await page.getByRole('button', { name: 'Create the task' }).click();
    await page.locator('#new-task-title-error', { hasText: 'Write what is to be done.' }).waitFor();
    await page.getByLabel('What is to be done').fill('Walk the night shift');
    await page.getByLabel('Who does it').selectOption(organizerId);
    await page.getByLabel('Due date (optional)').fill('2099-04-01');
    await page.getByRole('button', { name: 'Create the task' }).click();
    await page.getByRole('status').getByText('The task “Walk the night shift” is created.').waitFor();
    const card = page.locator('li.task', { hasText: 'Walk the night shift' });
    await card.getByText(`assigned to ${ORGANIZER_EMAIL}`).waitFor();
    await page.locator(`tr[data-assignee-id="${organizerId}"]`).getByText('0%').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'task board');

    await card.getByLabel('Give “Walk the night shift” to').selectOption(data.adminId);
    await card.getByRole('button', { name: 'Reassign' }).click();
    await page.getByRole('status').getByText('“Walk the night shift” is reassigned.').waitFor();
    await card.getByText('assigned to you').waitFor();
    await card.getByLabel('Due date of “Walk the night shift”').fill('2099-04-15');
    await card.getByRole('button', { name: 'Change the date' }).click();
    await page.getByRole('status').getByText('The due date of “Walk the night shift” is changed.').waitFor();
    await card.getByRole('button', { name: 'Mark “Walk the night shift” done' }).click();
    await page.getByRole('status').getByText('Marked done.').waitFor();
    const tasks = (
      await graphql(context, server.url, `query($c: ID!) { tasks(filter: { campaignId: $c }, first: 100) { edges { node { title assigneeId due status } } } }`, {
        c: data.campaignId,
      })
    ).tasks.edges.map((edge) => edge.node);
    const task = tasks.find((t) => t.title === 'Walk the night shift');
    assert.deepEqual(task, { title: 'Walk the night shift', assigneeId: data.adminId, due: '2099-04-15', status: 'DONE' });
    // The admin's row counts their done tasks as the API does.
    const done = tasks.filter((t) => t.assigneeId === data.adminId && t.status === 'DONE').length;
    const row = page.locator(`tr[data-assignee-id="${data.adminId}"]`);
    await row.locator('td').nth(1).getByText(String(done), { exact: true }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('task board: a change someone else made first is shown, and mine is applied again on it', async () => {
    const first = await signedIn({ width: 1280, height: 900 });
    const second = await signedIn({ width: 1280, height: 900 });
    const created = await graphql(
      first.context,
      server.url,
      `mutation($input: AssignTaskInput!) { assignTask(input: $input) { id } }`,
      { input: { campaignId: data.campaignId, kind: 'DATA_CHECK', title: 'Check the phone list', assigneeId: data.adminId } },
    );
    const taskId = created.assignTask.id;
    for (const { page } of [first, second]) {
      await page.goto('/tasks/board');
      await page.locator(`li[data-task-id="${taskId}"]`).waitFor();
    }
    const secondCard = second.page.locator(`li[data-task-id="${taskId}"]`);
    await secondCard.getByLabel('Give “Check the phone list” to').selectOption(organizerId);
    await secondCard.getByRole('button', { name: 'Reassign' }).click();
    await second.page.getByRole('status').getByText('“Check the phone list” is reassigned.').waitFor();

    // The first browser still shows the task as it was: its date change meets the newer version.
    const firstCard = first.page.locator(`li[data-task-id="${taskId}"]`);
    await firstCard.getByLabel('Due date of “Check the phone list”').fill('2099-06-01');
    await firstCard.getByRole('button', { name: 'Change the date' }).click();
    const conflict = first.page.locator('.conflict');
    await conflict.getByText('Someone else changed this task first').waitFor();
    await conflict.getByText(`“Check the phone list”: ${ORGANIZER_EMAIL}`).waitFor();
    assert.deepEqual(await axeViolations(first.page), [], 'task conflict');
    await conflict.getByRole('button', { name: 'Apply my change again' }).click();
    await first.page.getByRole('status').getByText('The due date of “Check the phone list” is changed.').waitFor();
    const tasks = (
      await graphql(first.context, server.url, `query($c: ID!) { tasks(filter: { campaignId: $c }, first: 100) { edges { node { id assigneeId due } } } }`, {
        c: data.campaignId,
      })
    ).tasks.edges.map((edge) => edge.node);
    assert.deepEqual(tasks.find((t) => t.id === taskId), { id: taskId, assigneeId: organizerId, due: '2099-06-01' });
    await first.context.close();
    await second.context.close();
  });

  test('structure tests: create one, record a step, see each unit against the goal', async () => {
    const { context, page, problems } = await signedIn();
    const chart = (
      await graphql(context, server.url, `query($c: ID!) { wallChart(campaignId: $c) { units { id name retired depth people { personId name } } } }`, {
        c: data.campaignId,
      })
    ).wallChart;
    // A top-level unit and someone in it or below it (units come in tree order: its subtree follows it),
    // whatever the tests before this one moved.
    const root = chart.units.findIndex((u) => !u.retired && u.depth === 0);
    const unit = chart.units[root];
    const next = chart.units.findIndex((u, index) => index > root && u.depth === 0);
    const subtree = chart.units.slice(root, next === -1 ? undefined : next).filter((u) => !u.retired);
    const person = subtree.flatMap((u) => u.people)[0];
    assert.ok(person, `nobody in ${unit.name} or below it`);
    await page.goto('/');
    await page.locator('article.card').first().getByRole('link', { name: 'Structure tests' }).click();
    await page.locator('h1', { hasText: 'Structure tests:' }).waitFor();
    await page.locator('summary', { hasText: 'Start a structure test' }).click();
    await page.getByRole('button', { name: 'Create the test' }).click();
    await page.locator('#new-test-name-error', { hasText: 'Name the action' }).waitFor();
    await page.locator('#new-test-deadline-error').waitFor();
    await page.getByLabel('What are people asked to do?').fill('Wear the red shirt on Friday');
    await page.getByLabel('Goal: share of people who take part (%)').fill('60');
    await page.getByLabel('Deadline').fill('2099-05-01');
    await page.locator('fieldset', { hasText: 'Which units take part' }).getByLabel(unit.name, { exact: true }).check();
    assert.deepEqual(await axeViolations(page), [], 'create a structure test');
    await page.getByRole('button', { name: 'Create the test' }).click();
    await page.getByRole('status').getByText('The structure test “Wear the red shirt on Friday” is created.').waitFor();
    const card = page.locator('article.test-card', { hasText: 'Wear the red shirt on Friday' });
    await card.waitFor();
    await card.getByLabel('Find a person by name').fill(person.name);
    await card.getByLabel('Person', { exact: true }).selectOption(person.personId);
    await card.getByLabel('Step', { exact: true }).selectOption('PARTICIPATED');
    await card.getByRole('button', { name: 'Record the step' }).click();
    await page.getByRole('status').getByText(`${person.name}: Took part.`).waitFor();

    const listed = (
      await graphql(context, server.url, `query($c: ID!) { structureTests(campaignId: $c) { id name goalPercent scopeUnitIds
        totals { participated inScope } units { unitId figures { participation goalReached } } } }`, { c: data.campaignId })
    ).structureTests;
    const created = listed.find((t) => t.name === 'Wear the red shirt on Friday');
    assert.deepEqual(created.scopeUnitIds, [unit.id]);
    assert.equal(created.goalPercent, 60);
    assert.equal(created.totals.participated, 1);
    const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });
    const figures = created.units.find((u) => u.unitId === unit.id).figures;
    const row = card.locator(`tr[data-unit-id="${unit.id}"]`);
    await row.getByText(percent.format(figures.participation), { exact: false }).waitFor();
    await row.getByText(figures.goalReached ? 'goal reached' : 'below the goal').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'structure tests');
    await noSideways(page, 'structure tests');
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [locale, words] of [
    ['en-US', { people: 'People', filters: 'Filters', select: 'Select', edit: 'Edit ways to reach them', move: 'Move to another unit', connect: 'Connect with someone', board: 'Task board', tests: 'Structure tests', create: 'Start a structure test' }],
    ['es-MX', { people: 'Personas', filters: 'Filtros', select: 'Seleccionar a', edit: 'Editar formas de contacto', move: 'Cambiar de unidad', connect: 'Conectar con alguien', board: 'Tablero de tareas', tests: 'Pruebas de estructura', create: 'Empezar una prueba de estructura' }],
  ]) {
    test(`axe finds nothing on the planning screens (${locale})`, async () => {
      const { context, page, problems } = await signedIn({ locale });
      const check = async (screen) => {
        assert.deepEqual(await axeViolations(page), [], `${screen} (${locale})`);
        await noSideways(page, `${screen} (${locale})`);
      };
      await page.goto(`/people?campaign=${data.campaignId}`);
      await page.getByRole('heading', { level: 1, name: words.people }).waitFor();
      await page.locator('ul.people li').first().waitFor();
      await page.locator('.filters summary').click();
      await page.locator('ul.people li input[type="checkbox"]').first().check();
      await page.locator('section.bulk').waitFor();
      await check('people, filters and selection');
      const id = await page.locator('ul.people li').first().getAttribute('data-person-id');
      await page.goto(`/people/${id}`);
      for (const action of [words.edit, words.move, words.connect]) {
        await page.getByRole('button', { name: action }).click();
        await page.getByRole('dialog').waitFor();
        await check(action);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
      await page.goto('/tasks/board');
      await page.getByRole('heading', { level: 1, name: words.board }).waitFor();
      await page.locator('.progress-table, .no-tasks').first().waitFor();
      await check('task board');
      await page.goto(`/campaigns/${data.campaignId}/tests`);
      await page.locator('h1', { hasText: words.tests }).waitFor();
      await page.locator('article.test-card').first().waitFor();
      await page.locator('summary', { hasText: words.create }).click();
      await check('structure tests');
      await page.goto(`/campaigns/${data.campaignId}`);
      await page.locator('.filters summary').click();
      await page.locator('#chart-organizer').waitFor();
      await check('wall chart with the organizer filter');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
