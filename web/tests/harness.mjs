// What the browser tests share: the real `groundwork` binary on a fresh SQLite database and a free port,
// accounts and demo data made through the binary's own commands, Debian's Chromium through playwright-core,
// and checks every page must pass (nothing from another host, no CSP violation, axe-core clean).
// Nothing here mocks the API. Waiting is always on a signal (a line on stderr, a selector, a response).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('../..', import.meta.url));
export const BINARY = process.env.GROUNDWORK_BIN ?? join(repo, 'target', 'debug', 'groundwork');
export const CHROMIUM = process.env.GROUNDWORK_CHROMIUM ?? '/usr/bin/chromium';
export const ADMIN_EMAIL = 'admin@example.org';
export const ADMIN_PASSWORD = 'correct horse battery staple';
/** How long any one wait may take before the test fails (a busy CI machine builds Rust beside us). */
export const WAIT_MS = 30_000;

/** A port nobody listens on now (for a server whose address another process must know before it starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a `groundwork` command on a data directory and returns its output; fails the test on an error. */
export function groundwork(dataDir, args, env = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: build it with \`cargo build -p api --bin groundwork\``);
  }
  const result = spawnSync(BINARY, args, {
    env: { ...process.env, GROUNDWORK_DATA_DIR: dataDir, GROUNDWORK_LOG: 'warn', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(`groundwork ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** A fresh data directory. With `admin`, a chapter and its admin; with `demoPeople`, the demo campaign too. */
export function freshData({ admin = true, demoPeople = 0 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'groundwork-web-'));
  const facts = { dataDir };
  if (admin) {
    const created = groundwork(dataDir, ['admin', 'create', '--email', ADMIN_EMAIL, '--chapter-name', 'Riverside Local'], {
      GROUNDWORK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    facts.chapterId = created.stdout.trim();
    const user = /\(user ([0-9a-f-]{36})\)/.exec(created.stderr);
    if (!user) throw new Error(`no user id in: ${created.stderr}`);
    facts.adminId = user[1];
  }
  if (demoPeople > 0) {
    const demo = groundwork(dataDir, ['demo', '--people', String(demoPeople)], {
      GROUNDWORK_DEV_CHAPTER: facts.chapterId,
      GROUNDWORK_DEV_USER: facts.adminId,
    });
    const campaign = /campaign\s+([0-9a-f-]{36})/.exec(demo.stdout);
    if (!campaign) throw new Error(`no campaign id in: ${demo.stdout}`);
    facts.campaignId = campaign[1];
  }
  return facts;
}

/**
 * As `freshData({ demoPeople })`, but kept in `keepDir` for the next run (a 10,000-person demo takes minutes
 * to build): the first run builds it there, each run works on a copy of it.
 */
export function keptDemo(demoPeople, keepDir) {
  if (!keepDir) return freshData({ demoPeople });
  const factsFile = join(keepDir, 'facts.json');
  if (!existsSync(factsFile)) {
    const built = freshData({ demoPeople });
    cpSync(built.dataDir, keepDir, { recursive: true });
    writeFileSync(factsFile, JSON.stringify({ ...built, dataDir: undefined, demoPeople }));
    removeData(built.dataDir);
  }
  const facts = JSON.parse(readFileSync(factsFile, 'utf8'));
  if (facts.demoPeople !== demoPeople) throw new Error(`${keepDir} holds ${facts.demoPeople} people, not ${demoPeople}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'groundwork-web-'));
  cpSync(keepDir, dataDir, { recursive: true });
  return { ...facts, dataDir };
}

/**
 * Starts `groundwork serve` on a free port and resolves once it says it is serving. `lines` collects its
 * standard error (the setup address is printed there).
 */
export async function startServer(dataDir, env = {}, { port: chosenPort } = {}) {
  const port = chosenPort ?? (await freePort());
  const child = spawn(BINARY, ['serve'], {
    env: {
      ...process.env,
      GROUNDWORK_DATA_DIR: dataDir,
      GROUNDWORK_LISTEN: `127.0.0.1:${port}`,
      GROUNDWORK_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = [];
  let buffered = '';
  const waiters = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
    for (const waiter of [...waiters]) waiter();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** Resolves with the first stderr line matching `pattern`. */
  const waitForLine = (pattern) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in:\n${lines.join('\n')}`)), WAIT_MS);
      const check = () => {
        const line = lines.find((candidate) => pattern.test(candidate));
        if (line) {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(line);
        }
      };
      waiters.push(check);
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`groundwork serve exited (${code}):\n${lines.join('\n')}`));
      });
      check();
    });
  await waitForLine(/serving on http:\/\//);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    lines,
    waitForLine,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    },
  };
}

export function removeData(dataDir) {
  rmSync(dataDir, { recursive: true, force: true });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context on a phone-sized screen (360 px wide unless told) that refuses and records every
 * request to another host (but the `allowOrigins` a test names) and every Content-Security-Policy violation
 * the page reports.
 */
export async function phoneContext(browser, server, { width = 360, height = 780, locale = 'en-US', allowOrigins = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, baseURL: server.url });
  context.setDefaultTimeout(WAIT_MS);
  const problems = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith(server.url.replace('http', 'ws'))) return route.continue();
    // A test that signs in through an identity provider lets the browser reach that provider (only).
    if (allowOrigins.some((origin) => url.startsWith(`${origin}/`))) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort();
  });
  context.on('page', (page) => watchPage(page, problems));
  return { context, problems };
}

function watchPage(page, problems) {
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

/** Signs in through the sign-in form and waits for the campaigns page. */
export async function signIn(page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto('/');
  await page.getByLabel(/email|correo/i).fill(email);
  await page.getByLabel(/^(password|contraseña)$/i).fill(password);
  await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/auth/sign-in')),
    page.getByRole('button', { name: /^(sign in|entrar)$/i }).click(),
  ]);
  await page.locator('h1', { hasText: /campaigns|campañas/i }).waitFor();
}

/** A GraphQL request with the page's session, as the app makes it. */
export async function graphql(context, url, query, variables = {}) {
  const response = await context.request.post(`${url}/graphql`, {
    headers: { 'X-Groundwork-CSRF': '1', 'Content-Type': 'application/json' },
    data: { query, variables },
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * Adds a member as Groundwork does: the admin signed in to `context` invites `email` with `role`, and the
 * person accepts the invitation's code with `password` (a request of their own, not the admin's session).
 * Returns the new member's id.
 */
export async function inviteAndAccept(context, url, email, role, password) {
  const invited = await graphql(context, url, 'mutation($e: String!, $r: Role!) { addUser(input: {email: $e, role: $r}) { code } }', {
    e: email,
    r: role,
  });
  const response = await fetch(`${url}/auth/invitation`, {
    method: 'POST',
    headers: { 'X-Groundwork-CSRF': '1', 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: invited.addUser.code, password }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`accepting the invitation of ${email}: ${JSON.stringify(body)}`);
  return body.userId;
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.x A and AA rules on the page as it is now; returns the violations as readable lines.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page keeps
 * its real policy.
 */
export async function axeViolations(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  return violations;
}

/**
 * Waits until `predicate(arg)` holds in the page (a question about the focused element), up to WAIT_MS: focus
 * moves in an effect that runs after the render a test sees, so asking once right after would race it. Fails
 * naming where focus is.
 */
export async function focusReaches(page, what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: WAIT_MS, polling: 'raf' });
  } catch {
    const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
    throw new Error(`focus never reached ${what}; it is on ${focused}`);
  }
}
