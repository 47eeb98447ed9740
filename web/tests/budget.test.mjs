// The first screen's JavaScript stays under 100 KB gzipped on the phone's weak signal: every script the
// app's page loads (its entry and the chunks it preloads) is counted; a screen loaded on demand (the import
// screen) is a chunk of its own that the first screen does not fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const BUDGET = 100 * 1024;

test('the app page loads at most 100 KB of gzipped JavaScript', () => {
  const page = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...page.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0, 'no script found in index.html');
  let total = 0;
  for (const script of scripts) {
    const source = readFileSync(join(dist, script));
    total += gzipSync(source, { level: 9 }).length;
  }
  console.log(`first screen: ${scripts.length} scripts, ${(total / 1024).toFixed(1)} KB gzipped`);
  assert.ok(total < BUDGET, `${total} bytes gzipped is over the ${BUDGET}-byte budget`);
});
