// The web app's CI check: fails when the generated GraphQL code (src/gql) is stale against the committed
// schema.graphql and the operations in src/, or when building from the lockfile gives other bytes than the
// committed dist/ (the binary embeds dist/, so what is committed must be what the sources build to).
// Run with `npm run check` after `npm ci`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Every file under `dir`, as a map from its path relative to `dir` to its bytes. */
function snapshot(dir) {
  const files = new Map();
  const walk = (current) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** The differences between two snapshots, as lines for a person to read. */
function differences(expected, actual) {
  const lines = [];
  for (const [path, bytes] of expected) {
    if (!actual.has(path)) lines.push(`  missing after rebuild: ${path}`);
    else if (!bytes.equals(actual.get(path))) lines.push(`  differs: ${path}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) lines.push(`  new after rebuild: ${path}`);
  return lines;
}

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });

let failed = false;

const gqlDir = join(root, 'src', 'gql');
const gqlBefore = snapshot(gqlDir);
run(bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent']);
const gqlDiff = differences(gqlBefore, snapshot(gqlDir));
if (gqlDiff.length > 0) {
  failed = true;
  console.error('web/src/gql is stale: run `npm run codegen` in web/ and commit the result.');
  console.error(gqlDiff.join('\n'));
} else {
  console.log('web/src/gql matches schema.graphql and the operations.');
}

run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);

const out = mkdtempSync(join(tmpdir(), 'groundwork-web-dist-'));
try {
  run(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir']);
  const distDiff = differences(snapshot(join(root, 'dist')), snapshot(out));
  if (distDiff.length > 0) {
    failed = true;
    console.error('web/dist differs from a fresh build: run `npm run build` in web/ and commit dist/.');
    console.error(distDiff.join('\n'));
  } else {
    console.log('web/dist is exactly what the sources build to.');
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

process.exit(failed ? 1 : 0);
