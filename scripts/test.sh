#!/usr/bin/env bash
# Runs every check and test Groundwork has, on a fresh machine: starts PostgreSQL if it is not running,
# then formatting, lints, the whole test suite against both SQLite and PostgreSQL, the browser app's build
# check and its browser tests in Chromium, the REST API against Parsons, bounded fuzzing of GraphQL and REST
# (schemathesis), and quick runs of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export GROUNDWORK_TEST_PG_URL="${GROUNDWORK_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

step() { printf '\n== %s\n' "$*"; }

step "PostgreSQL"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }
if ! command -v pg_dump >/dev/null 2>&1; then
  # The erasure test inspects a real dump; pg_dump comes with the PostgreSQL client package.
  export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | tail -n1)"
fi

step "Node.js and the test OpenID Connect provider"
# The single sign-on tests sign in against a real provider (tests/oidc-provider, panva's oidc-provider).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
fi
command -v node >/dev/null 2>&1 || { echo "Node.js is needed for the single sign-on tests; install node and npm"; exit 1; }
if [ ! -f tests/oidc-provider/node_modules/.package-lock.json ] \
  || [ tests/oidc-provider/package-lock.json -nt tests/oidc-provider/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/oidc-provider --no-audit --no-fund
fi

step "The browser app: dependencies, generated code and the committed build"
# Debian's Chromium drives the browser tests (playwright-core 1.64.1 matches its version 156).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
[ -x /usr/bin/chromium ] || { echo "Chromium is needed for the browser tests; install the chromium package"; exit 1; }
npm ci --prefix web --no-audit --no-fund
# Fails when web/src/gql is stale against schema.graphql, or when web/dist is not what the lockfile builds.
npm run --prefix web check

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (SQLite and PostgreSQL)"
cargo test --workspace --locked --no-fail-fast -- --test-threads="${GROUNDWORK_TEST_THREADS:-4}"

step "Browser tests (the real groundwork binary, SQLite, Chromium)"
cargo build -p api --bin groundwork --locked
npm test --prefix web

step "REST API against the real client (Parsons ActionBuilder)"
# Needs python3 with venv and PyPI: the script makes its own virtual environment with parsons pinned.
tests/parsons/run.sh

step "Fuzzing, bounded: schemathesis against GraphQL and the REST API (tests/fuzz)"
# Needs python3 with venv and PyPI like the step above (schemathesis pinned); a time budget per endpoint
# (GROUNDWORK_FUZZ_SECONDS, 60 s by default). Fails on any server error or a panic in the server's log.
tests/fuzz/run.sh

step "groundwork-bench --quick (SQLite and PostgreSQL)"
# Keeps the benchmark harness from rotting; the figures of a debug build on a CI machine mean little.
cargo run -p bench --locked -- --quick --backend both

step "Browser speed figures, quick (web/scripts/speed.mjs)"
# The same harness as the full figures in docs/performance.md, on a small campaign, so it cannot rot.
node web/scripts/speed.mjs --people 200 --tries 5 --loads 1
