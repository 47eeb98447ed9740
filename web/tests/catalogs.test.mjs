// Both languages are complete: the same keys, the same placeholders, no empty text, and every key the
// code names exists. (The browser tests then show each screen in Spanish.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src', import.meta.url));
// The app's catalogs, and those a screen loaded on demand brings with it (`imports.en.json`, …).
const catalog = (lang) =>
  Object.assign(
    {},
    ...readdirSync(join(src, 'i18n'))
      .filter((name) => name === `${lang}.json` || name.endsWith(`.${lang}.json`))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(src, 'i18n', name), 'utf8'))),
  );
const en = catalog('en');
const es = catalog('es');
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and Spanish have the same keys', () => {
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
});

test('every text has the same placeholders in both languages and none is empty', () => {
  for (const key of Object.keys(en)) {
    assert.ok(en[key].trim(), `en ${key} is empty`);
    assert.ok(es[key]?.trim(), `es ${key} is empty`);
    assert.deepEqual(placeholders(es[key]), placeholders(en[key]), `placeholders of ${key}`);
  }
});

test('every plural family has at least its "other" form', () => {
  const families = new Set(Object.keys(en).filter((k) => /\.(zero|one|two|few|many|other)$/.test(k)).map((k) => k.replace(/\.\w+$/, '')));
  for (const family of families) assert.ok(`${family}.other` in en, `${family}.other is missing`);
});

test('every key the code names literally is in the catalogs', () => {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'gql') walk(path);
      else if (/\.tsx?$/.test(entry.name)) files.push(path);
    }
  };
  walk(src);
  const missing = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [, kind, key] of text.matchAll(/\b(t|plural)\('([A-Za-z0-9_.]+)'/g)) {
      const known = kind === 't' ? key in en : `${key}.other` in en;
      if (!known) missing.push(`${file}: ${key}`);
    }
    for (const [, key] of text.matchAll(/'(timeline\.[A-Za-z]+)'/g)) if (!(key in en)) missing.push(`${file}: ${key}`);
  }
  assert.deepEqual(missing, []);
});
