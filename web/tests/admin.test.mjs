// The admin and set-up screens and the sign-in messages, against the real server: an admin invites someone,
// who opens the link, chooses a password and is signed in to the chapter; wrong password, disabled account and throttling
// each say their own thing; API tokens are shown once and revoked; the access log reads in pages; a
// campaign's units, fields and scale are set up; the language follows the person to another browser; on a
// wide screen the list and the person sit side by side; axe-core finds nothing on any new screen in
// English and Spanish, at 360 px without sideways scrolling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  axeViolations,
  focusReaches,
  freshData,
  graphql,
  inviteAndAccept,
  launchBrowser,
  phoneContext,
  removeData,
  signIn,
  startServer,
} from './harness.mjs';

let data;
let server;
let browser;

before(async () => {
  data = freshData({ demoPeople: 30 });
  server = await startServer(data.dataDir);
  browser = await launchBrowser();
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

/** The sign-in form's answer for `email` and `password`, as the page shows it (the error summary's text). */
async function signInError(page, email, password) {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/auth/sign-in')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  const summary = page.locator('.error-summary li');
  await summary.first().waitFor();
  return (await summary.allTextContents()).join(' ');
}

/** Invites someone through the Users screen and returns the invitation link it shows once. */
async function invite(page, email, role) {
  await page.goto('/admin/users');
  await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  await page.getByLabel('Their email address').fill(email);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByText(`${email} is invited.`).waitFor();
  return (await page.getByTestId('invitation-link').textContent()).trim();
}

/** The invitation page's answer to `password`, as the page shows it (the error summary's text). */
async function invitationError(page, password) {
  await page.getByLabel('Choose a password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Join the chapter' }).click();
  const summary = page.locator('.error-summary li');
  await summary.first().waitFor();
  return (await summary.allTextContents()).join(' ');
}

describe('admin, set-up and sign-in', () => {
  test('an admin invites someone, who opens the link, chooses a password and is signed in to the chapter', async () => {
    const admin = await signedIn();
    await admin.page.getByRole('link', { name: 'Admin', exact: true }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Admin and set-up' }).waitFor();
    const link = await invite(admin.page, 'new.organizer@example.org', 'ORGANIZER');
    assert.ok(link.startsWith(`${server.url}/invitation?code=gwi_`), link);
    await admin.page.getByRole('button', { name: 'Copy link' }).waitFor();
    // The link is shown once: after a reload it is gone, and the invitation waits for an answer. Nobody is a
    // member before accepting.
    await admin.page.reload();
    await admin.page.locator('li[data-invitation-id]', { hasText: 'new.organizer@example.org' }).waitFor();
    assert.equal(await admin.page.getByTestId('invitation-link').count(), 0);
    assert.equal(await admin.page.locator('li[data-user-id]', { hasText: 'new.organizer@example.org' }).count(), 0);

    const { context, problems } = await phoneContext(browser, server);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Join your chapter on Groundwork' }).waitFor();
    assert.match(await invitationError(page, 'too short'), /at least 12 characters/);
    await page.getByLabel('Choose a password', { exact: true }).fill('my very own passphrase');
    await page.getByRole('button', { name: 'Join the chapter' }).click();
    // Signed in, in the chapter that invited them: its campaigns, as an organizer (no admin screens).
    await page.getByRole('heading', { level: 1, name: 'Your campaigns' }).waitFor();
    await page.locator(`a[href^="/campaigns/${data.campaignId}"]`).first().waitFor();
    assert.equal(await page.getByRole('link', { name: 'Admin', exact: true }).count(), 0);
    const me = await graphql(context, server.url, '{ me { role chapterId } }');
    const adminMe = await graphql(admin.context, server.url, '{ me { chapterId } }');
    assert.deepEqual(me.me, { role: 'ORGANIZER', chapterId: adminMe.me.chapterId });
    // The password they chose signs them in again; the link works only once.
    assert.equal(
      (await context.request.post(`${server.url}/auth/sign-in`, {
        headers: { 'X-Groundwork-CSRF': '1' },
        data: { email: 'new.organizer@example.org', password: 'my very own passphrase' },
      })).status(),
      200,
    );
    const other = await phoneContext(browser, server);
    const again = await other.context.newPage();
    await again.goto(link);
    assert.match(await invitationError(again, 'my very own passphrase'), /accepted already/);
    await other.context.close();
    // The admin now sees a member, and no invitation waiting.
    await admin.page.reload();
    await admin.page.locator('li[data-user-id]', { hasText: 'new.organizer@example.org' }).waitFor();
    assert.equal(await admin.page.locator('li[data-invitation-id]', { hasText: 'new.organizer@example.org' }).count(), 0);
    assert.deepEqual(problems, []);
    assert.deepEqual(admin.problems, []);
    await context.close();
    await admin.context.close();
  });

  test('an invitation can be withdrawn, and its link stops working', async () => {
    const admin = await signedIn();
    const link = await invite(admin.page, 'changed.mind@example.org', 'ACTIVIST');
    const row = admin.page.locator('li[data-invitation-id]', { hasText: 'changed.mind@example.org' });
    await row.getByRole('button', { name: 'Withdraw the invitation of changed.mind@example.org' }).click();
    await admin.page.getByRole('status').getByText('Invitation withdrawn.').waitFor();
    await row.waitFor({ state: 'detached' });
    const { context } = await phoneContext(browser, server);
    const page = await context.newPage();
    await page.goto(link);
    assert.match(await invitationError(page, 'a long enough passphrase'), /withdrawn/);
    await context.close();
    await admin.context.close();
  });

  test('a wrong password, a disabled account and too many tries each say so', async () => {
    const admin = await signedIn();
    const temporary = 'soon disabled passphrase';
    await inviteAndAccept(admin.context, server.url, 'soon.disabled@example.org', 'ACTIVIST', temporary);
    await admin.page.goto('/admin/users');
    await admin.page.locator('li[data-user-id]', { hasText: 'soon.disabled@example.org' }).getByRole('link').click();
    await admin.page.getByRole('heading', { level: 1, name: 'User: soon.disabled@example.org' }).waitFor();
    await admin.page.getByRole('button', { name: 'Disable account' }).click();
    await admin.page.getByRole('status').getByText('Account disabled.').waitFor();
    await admin.page.getByText('Disabled in this chapter: they cannot sign in to it.').waitFor();

    const { context } = await phoneContext(browser, server);
    const page = await context.newPage();
    // Without single sign-on configured there is no "Sign in with your organization" (oidc.test.mjs has it).
    await Promise.all([page.waitForResponse((response) => response.url().endsWith('/auth/providers')), page.goto('/sign-in')]);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Sign in with your organization' }).count(), 0);
    const wrong = await signInError(page, 'soon.disabled@example.org', 'not the password at all');
    assert.match(wrong, /The email or password is not right/);
    assert.doesNotMatch(wrong, /disabled/, 'a wrong password must not learn that the account is disabled');
    const disabled = await signInError(page, 'soon.disabled@example.org', temporary);
    assert.match(disabled, /Your account is disabled\. Ask your chapter's admin/);
    await focusReaches(page, 'the error summary', () => document.activeElement?.classList.contains('error-summary'));

    // Enabled again, the same password signs in.
    await admin.page.getByRole('button', { name: 'Enable account' }).click();
    await admin.page.getByText('This account can sign in.').waitFor();
    await signIn(page, 'soon.disabled@example.org', temporary);

    // Wrong passwords for one account, over and over: the throttling message.
    const other = await context.browser().newContext({ baseURL: server.url });
    const guesser = await other.newPage();
    let message = '';
    for (let attempt = 0; attempt < 8 && !/Too many tries/.test(message); attempt += 1) {
      message = await signInError(guesser, ADMIN_EMAIL.replace('admin', 'nobody'), 'wrong wrong wrong');
    }
    assert.match(message, /Too many tries\. Wait a few minutes/);
    await other.close();
    await context.close();
    await admin.context.close();
  });

  test('an API token is shown once, works, and stops working when revoked', async () => {
    const { context, page, problems } = await signedIn();
    await page.goto('/admin/tokens');
    await page.getByRole('heading', { level: 1, name: 'Your API tokens' }).waitFor();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('.error-summary').getByText('Give the token a name.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Parsons sync');
    await page.getByLabel('Role').selectOption('ANALYST');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('token-secret').textContent()).trim();
    assert.match(token, /^gwt_/);
    const asToken = () =>
      context.request.post(`${server.url}/graphql`, { headers: { authorization: `Bearer ${token}` }, data: { query: '{ me { role } }' } });
    assert.deepEqual((await (await asToken()).json()).data, { me: { role: 'ANALYST' } });
    await page.reload();
    const row = page.locator('li[data-token-id]', { hasText: 'Parsons sync' });
    await row.waitFor();
    assert.equal(await page.getByTestId('token-secret').count(), 0, 'the token is shown only once');
    await row.getByRole('button', { name: 'Revoke the token Parsons sync' }).click();
    await page.getByRole('status').getByText('Token revoked.').waitFor();
    assert.equal((await asToken()).status(), 401);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the access log reads a page at a time', async () => {
    const { context, page, problems } = await signedIn();
    const people = await graphql(context, server.url, 'query($c: ID!) { people(campaignId: $c, first: 1) { edges { node { id } } } }', { c: data.campaignId });
    const personId = people.people.edges[0].node.id;
    for (let i = 0; i < 27; i += 1) {
      await graphql(context, server.url, 'query($p: ID!) { personNotes(personId: $p) { id } }', { p: personId });
    }
    const all = (await graphql(context, server.url, '{ accessLog(first: 500) { at } }')).accessLog.length;
    assert.ok(all >= 27 && all <= 50, `${all} entries`);
    await page.goto('/admin/access-log');
    const rows = page.locator('table.data tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 25);
    assert.match(await rows.first().textContent(), /read notes/);
    await page.getByRole('link', { name: 'Older entries' }).click();
    await page.getByRole('table', { name: 'Access log, page 2' }).waitFor();
    assert.equal(await rows.count(), all - 25);
    assert.equal(await page.getByRole('link', { name: 'Older entries' }).count(), 0);
    await page.getByRole('link', { name: 'Newer entries' }).click();
    await page.getByRole('table', { name: 'Access log, page 1' }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a lead sets up a campaign's units, fields and scale", async () => {
    const admin = await signedIn();
    await inviteAndAccept(admin.context, server.url, 'lead@example.org', 'LEAD', 'the lead passphrase');
    await admin.context.close();
    const { context, problems } = await phoneContext(browser, server, { width: 1280, height: 900 });
    const page = await context.newPage();
    await signIn(page, 'lead@example.org', 'the lead passphrase');
    // A lead sets campaigns up but does not manage users: the admin section shows them only what they may do.
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Admin and set-up' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
    await page.getByRole('link', { name: /^Set up / }).first().click();
    await page.getByRole('heading', { level: 2, name: 'Units' }).waitFor();
    const units = async () =>
      (await graphql(context, server.url, 'query($c: ID!) { wallChart(campaignId: $c) { units { id name parentId retired } } }', { c: data.campaignId })).wallChart.units;

    await page.getByLabel('Unit name').fill('Loading dock');
    await page.getByLabel('Kind of unit').fill('department');
    await page.getByRole('button', { name: 'Add unit' }).click();
    await page.getByRole('status').getByText('Unit added.').waitFor();
    const dock = (await units()).find((unit) => unit.name === 'Loading dock');
    assert.ok(dock && dock.parentId === null);
    const row = page.locator(`li[data-unit-id="${dock.id}"]`);
    await row.getByRole('button', { name: 'Rename' }).click();
    await row.getByLabel('New name for Loading dock').fill('Dock B');
    await row.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Unit renamed.').waitFor();
    const parent = (await units()).find((unit) => !unit.retired && unit.id !== dock.id);
    await row.getByRole('button', { name: 'Move' }).click();
    await row.getByLabel('Move Dock B under').selectOption(parent.id);
    await row.getByRole('button', { name: 'Move unit' }).click();
    await page.getByRole('status').getByText('Unit moved.').waitFor();
    await row.getByRole('button', { name: 'Retire' }).click();
    await row.getByRole('button', { name: 'Yes, retire it' }).click();
    await page.getByRole('status').getByText('Unit retired.').waitFor();
    const moved = (await units()).find((unit) => unit.id === dock.id);
    assert.deepEqual(moved, { id: dock.id, name: 'Dock B', parentId: parent.id, retired: true });

    await page.getByLabel('Section name').fill('Shop floor');
    await page.getByRole('button', { name: 'Add section' }).click();
    await page.getByRole('status').getByText('Section added.').waitFor();
    const section = page.locator('section.setup-section', { has: page.getByRole('heading', { name: 'Shop floor', exact: true }) });
    await section.getByText('Add a field to Shop floor').click();
    await section.getByLabel('Field name', { exact: true }).fill('Issues');
    await section.getByLabel('Kind of answer').selectOption('STANDARD');
    await section.getByLabel('A person may have several answers').check();
    await section.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('status').getByText('Field added.').waitFor();
    await section.getByLabel('New answer for Issues').fill('Wages');
    await section.getByRole('button', { name: 'Add answer' }).click();
    await page.getByRole('status').getByText('Answer added.').waitFor();
    await section.getByLabel('New answer for Issues').fill('Heat');
    await section.getByRole('button', { name: 'Add answer' }).click();
    await section.getByRole('button', { name: 'Retire the answer Heat' }).click();
    await page.getByRole('status').getByText('Answer retired').waitFor();
    const fields = await graphql(
      context,
      server.url,
      'query($c: ID!) { campaign(id: $c) { fieldSections { name fields { name kind allowsMultiple responses { name retired } } } } }',
      { c: data.campaignId },
    );
    const workplace = fields.campaign.fieldSections.find((s) => s.name === 'Shop floor');
    for (const field of workplace.fields) field.responses.sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(workplace.fields, [
      { name: 'Issues', kind: 'STANDARD', allowsMultiple: true, responses: [{ name: 'Heat', retired: true }, { name: 'Wages', retired: false }] },
    ]);

    // A name the server refuses is said next to nothing half-written.
    await page.getByRole('button', { name: 'Add section' }).click();
    await page.locator('.error-summary').getByText(/Check what you entered/).waitFor();

    await page.getByLabel('Words for level 1').fill('Rock solid');
    await page.getByRole('button', { name: 'Save level 1' }).click();
    await page.getByRole('status').getByText('Level 1 saved.').waitFor();
    const scale = await graphql(context, server.url, 'query($c: ID!) { campaign(id: $c) { scale { level label } } }', { c: data.campaignId });
    assert.equal(scale.campaign.scale.find((l) => l.level === 1).label, 'Rock solid');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('on a wide screen the list and the person sit side by side', async () => {
    const { context, page, problems } = await signedIn({ width: 1400, height: 900 });
    await page.getByRole('link', { name: 'People', exact: true }).click();
    const list = page.locator('.split-list');
    await list.locator('ul.people li a').first().waitFor();
    await page.locator('.split-detail').getByText('Open a person from the list to see them here.').waitFor();
    const first = list.locator('ul.people li a').first();
    await first.click();
    await page.locator('.split-detail h1').waitFor();
    // The list is still there beside the person, and the person's page is what the address says.
    assert.ok(await list.locator('ul.people li').first().isVisible());
    assert.match(new URL(page.url()).pathname, /^\/people\/[0-9a-f-]{36}$/);
    const boxes = await page.evaluate(() => [
      document.querySelector('.split-list').getBoundingClientRect().toJSON(),
      document.querySelector('.split-detail').getBoundingClientRect().toJSON(),
    ]);
    assert.ok(boxes[0].right <= boxes[1].left, `columns overlap: ${JSON.stringify(boxes)}`);
    assert.deepEqual(await axeViolations(page), [], 'people beside a person');

    // From the wall chart: the chart with a unit's people on the left, the person on the right.
    const chart = await graphql(context, server.url, 'query($c: ID!) { wallChart(campaignId: $c) { units { id retired people { personId } } } }', { c: data.campaignId });
    const unit = chart.wallChart.units.find((u) => !u.retired && u.people.length > 0);
    await page.getByRole('link', { name: 'Wall chart', exact: true }).click();
    const toggle = page.locator(`.split-list li[data-unit-id="${unit.id}"] .unit-toggle`);
    await toggle.click();
    const person = page.locator(`.split-list li[data-person-id="${unit.people[0].personId}"] a`).first();
    await person.click();
    await page.locator('.split-detail h1').waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'the chart kept its open unit');
    assert.deepEqual(await axeViolations(page), [], 'wall chart beside a person');
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const [locale, words] of [
    ['en-US', { admin: 'Admin', hub: 'Admin and set-up', users: 'Users', log: 'Access log', tokens: 'Your API tokens', units: 'Units', rename: 'Rename', retire: 'Retire', disable: 'Disable account' }],
    ['es-MX', { admin: 'Gestión', hub: 'Gestión y ajustes', users: 'Personas usuarias', log: 'Registro de accesos', tokens: 'Tus llaves de la API', units: 'Unidades', rename: 'Cambiar nombre', retire: 'Retirar', disable: 'Desactivar la cuenta' }],
  ]) {
    test(`axe finds nothing on the admin screens (${locale})`, async () => {
      const { context, page, problems } = await signedIn({ locale });
      const check = (screen, on = page) => fits(on, screen);
      const fits = async (page, screen) => {
        assert.deepEqual(await axeViolations(page), [], `${screen} (${locale})`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        const widest = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((element) => element.getBoundingClientRect().right + window.scrollX > 361)
            .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">`)
            .slice(0, 5),
        );
        assert.ok(width <= 360, `${screen} (${locale}) is ${width} px wide: ${widest.join(', ')}`);
      };
      await page.getByRole('link', { name: words.admin, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: words.hub }).waitFor();
      await check('admin hub');
      await page.locator('main').getByRole('link', { name: words.users, exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: words.users }).waitFor();
      await page.locator('li[data-user-id]').first().waitFor();
      await page.locator('form button[type="submit"]').click();
      await page.locator('.error-summary').waitFor();
      await check('users with an error');
      await page.locator('#new-user-email').fill(`axe.${locale}@example.org`);
      await page.locator('form button[type="submit"]').click();
      const link = (await page.getByTestId('invitation-link').textContent()).trim();
      await page.locator('li[data-invitation-id]').first().waitFor();
      await check('users with an invitation link');
      // The invitation page, signed out, before and after a refused try.
      const invitee = await phoneContext(browser, server, { locale });
      const invited = await invitee.context.newPage();
      await invited.goto(link);
      await invited.locator('h1').waitFor();
      await check('invitation page', invited);
      await invited.locator('form button[type="submit"]').click();
      await invited.locator('.error-summary').waitFor();
      await check('invitation page with an error', invited);
      assert.deepEqual(invitee.problems, []);
      await invitee.context.close();
      await page.locator('li[data-user-id]').first().getByRole('link').click();
      await page.getByRole('button', { name: words.disable }).waitFor();
      await check('one user');
      await page.goto('/admin/access-log');
      await page.getByRole('heading', { level: 1, name: words.log }).waitFor();
      await page.locator('table.data, .empty').first().waitFor();
      await check('access log');
      await page.goto('/admin/tokens');
      await page.getByRole('heading', { level: 1, name: words.tokens }).waitFor();
      await page.locator('#token-name').fill(`axe ${locale}`);
      await page.locator('form button[type="submit"]').click();
      await page.getByTestId('token-secret').waitFor();
      await check('tokens with a new token');
      await page.goto(`/admin/campaigns/${data.campaignId}`);
      await page.getByRole('heading', { level: 2, name: words.units }).waitFor();
      const unit = page.locator('li[data-unit-id]:has(button)').first();
      await unit.getByRole('button', { name: words.rename }).click();
      await unit.getByRole('button', { name: words.retire }).click();
      await page.locator('details.add-field summary').first().click();
      await check('campaign set-up with forms open');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('the language a person picks follows them to another browser', async () => {
    const phone = await signedIn();
    await phone.page.getByRole('link', { name: 'Me', exact: true }).click();
    await Promise.all([
      phone.page.waitForResponse((response) => response.url().endsWith('/graphql') && response.request().postData()?.includes('SetMyLanguage')),
      phone.page.getByLabel('Español').check(),
    ]);
    await phone.page.getByRole('heading', { level: 1, name: 'Yo' }).waitFor();

    // A laptop whose browser speaks English opens in Spanish once this person signs in.
    const { context, problems } = await phoneContext(browser, server, { locale: 'en-US', width: 1280, height: 800 });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Groundwork' }).waitFor();
    await signIn(page);
    await page.getByRole('heading', { level: 1, name: 'Tus campañas' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
    const me = await graphql(context, server.url, '{ me { language } }');
    assert.equal(me.me.language, 'es');

    // Back to English from the laptop; the phone follows on its next visit.
    await page.getByRole('link', { name: 'Yo', exact: true }).click();
    await page.getByLabel('English').check();
    await page.getByRole('heading', { level: 1, name: 'Me' }).waitFor();
    await phone.page.reload();
    await phone.page.getByRole('heading', { level: 1, name: 'Me' }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
    await phone.context.close();
  });
});
