// First start: a server on a new database prints a one-time setup address; the first admin names the
// chapter and sets a password there, lands signed in, and the address answers 404 from then on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, freshData, launchBrowser, phoneContext, removeData, signIn, startServer } from './harness.mjs';

let data;
let server;
let browser;

before(async () => {
  data = freshData({ admin: false });
  server = await startServer(data.dataDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (data) removeData(data.dataDir);
});

test('the setup address creates the first admin once, then answers 404', async () => {
  const line = await server.waitForLine(/\/setup\/[A-Za-z0-9_-]{20,}/);
  const path = /(\/setup\/[A-Za-z0-9_-]+)/.exec(line)[1];
  const { context, problems } = await phoneContext(browser, server);

  const guessed = await context.request.get(`${server.url}/setup/not-the-token`);
  assert.equal(guessed.status(), 404);

  const page = await context.newPage();
  await page.goto(path);
  await page.getByRole('heading', { name: 'Set up your chapter' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'setup page');
  await page.getByLabel("Your chapter's name").fill('Eastside Tenants Union');
  await page.getByLabel('Email address').fill('first.admin@example.org');
  await page.getByLabel('Password').fill('a long enough passphrase');
  await page.getByRole('button', { name: 'Set up Groundwork' }).click();
  await page.getByRole('heading', { name: 'Your campaigns' }).waitFor();

  const me = await context.request.post(`${server.url}/graphql`, {
    headers: { 'X-Groundwork-CSRF': '1' },
    data: { query: '{ me { role } }' },
  });
  assert.deepEqual((await me.json()).data, { me: { role: 'ADMIN' } });

  const used = await context.request.get(`${server.url}${path}`);
  assert.equal(used.status(), 404);
  const again = await context.request.post(`${server.url}${path}`, {
    headers: { 'X-Groundwork-CSRF': '1' },
    data: { chapterName: 'Another', email: 'second@example.org', password: 'another long passphrase' },
  });
  assert.equal(again.status(), 404);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the admin switches the app to Spanish (kept after a reload) and changes their password', async () => {
  const { context, problems } = await phoneContext(browser, server);
  const page = await context.newPage();
  await signIn(page, 'first.admin@example.org', 'a long enough passphrase');
  await page.getByRole('link', { name: 'Me', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Me' }).waitFor();
  await page.getByLabel('Español').check();
  await page.getByRole('heading', { level: 1, name: 'Yo' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Yo' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');

  await page.getByLabel('Contraseña actual').fill('not my password');
  await page.getByLabel('Contraseña nueva').fill('an even longer passphrase');
  await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
  await page.locator('.error-summary').getByText('La contraseña actual no es correcta').waitFor();
  await page.getByLabel('Contraseña actual').fill('a long enough passphrase');
  await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
  // A changed password ends every session: sign in again, with the new one.
  await page.getByRole('heading', { name: 'Entra a Groundwork' }).waitFor();
  await signIn(page, 'first.admin@example.org', 'an even longer passphrase');
  assert.deepEqual(problems, []);
  await context.close();
});
