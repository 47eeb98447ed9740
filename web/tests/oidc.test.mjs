// "Sign in with your organization": a server configured for OpenID Connect shows the button, and it signs in
// against a real provider (panva's oidc-provider, tests/oidc-provider; `npm ci --prefix tests/oidc-provider`)
// — the browser goes to the provider, signs in there, and comes back to the app signed in. A server without
// single sign-on shows no button (the other browser tests' servers).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADMIN_EMAIL, WAIT_MS, axeViolations, freePort, freshData, graphql, launchBrowser, phoneContext, removeData, startServer } from './harness.mjs';

const providerDir = fileURLToPath(new URL('../../tests/oidc-provider', import.meta.url));
const CLIENT_ID = 'groundwork-web-tests';
const CLIENT_SECRET = 'a secret only these tests know';

let data;
let server;
let browser;
let provider;
let issuer;

/** Starts the provider for a server on `port`; resolves with its issuer once it listens. */
function startProvider(port) {
  if (!existsSync(`${providerDir}/node_modules/oidc-provider/package.json`)) {
    throw new Error('the test OpenID Connect provider is not installed: run `npm ci --prefix tests/oidc-provider`');
  }
  provider = spawn(process.execPath, [`${providerDir}/provider.mjs`], {
    env: {
      ...process.env,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_REDIRECT_URI: `http://127.0.0.1:${port}/auth/oidc/callback`,
      OIDC_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the provider did not start listening')), WAIT_MS);
    let buffered = '';
    provider.stdout.setEncoding('utf8');
    provider.stdout.on('data', (chunk) => {
      buffered += chunk;
      const found = /listening (http:\/\/\S+)/.exec(buffered);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    provider.once('exit', (code) => reject(new Error(`the provider exited (${code})`)));
  });
}

before(async () => {
  data = freshData({ demoPeople: 10 });
  const port = await freePort();
  issuer = await startProvider(port);
  server = await startServer(
    data.dataDir,
    {
      GROUNDWORK_OIDC_ISSUER: issuer,
      GROUNDWORK_OIDC_CLIENT_ID: CLIENT_ID,
      GROUNDWORK_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      GROUNDWORK_OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/auth/oidc/callback`,
    },
    { port },
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  provider?.kill();
  if (data) removeData(data.dataDir);
});

test('"Sign in with your organization" signs in through the identity provider', async () => {
  const { context, problems } = await phoneContext(browser, server, { allowOrigins: [issuer] });
  const page = await context.newPage();
  await page.goto('/');
  const button = page.getByRole('link', { name: 'Sign in with your organization' });
  await button.waitFor();
  assert.deepEqual(await axeViolations(page), [], 'sign-in page with the button');
  await button.click();
  // The provider asks who this is (its test interaction has no form: the address names the account).
  await page.waitForURL((url) => url.href.startsWith(`${issuer}/interaction/`));
  const interaction = new URL(page.url());
  interaction.searchParams.set('sub', 'admin-at-the-provider');
  interaction.searchParams.set('email', ADMIN_EMAIL);
  interaction.searchParams.set('email_verified', 'true');
  await page.goto(interaction.href);
  // Back in the app, signed in as the account with that verified address.
  await page.getByRole('heading', { name: 'Your campaigns' }).waitFor();
  assert.equal(new URL(page.url()).origin, server.url);
  const me = await graphql(context, server.url, '{ me { userId role } }');
  assert.deepEqual(me.me, { userId: data.adminId, role: 'ADMIN' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the button speaks Spanish too', async () => {
  const { context } = await phoneContext(browser, server, { locale: 'es-ES', allowOrigins: [issuer] });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('link', { name: 'Entrar con tu organización' }).waitFor();
  assert.deepEqual(await axeViolations(page), [], 'sign-in page with the button (es)');
  await context.close();
});
