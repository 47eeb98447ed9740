#!/usr/bin/env bash
# Runs every check and test Groundwork has, on a fresh machine: starts PostgreSQL if it is not running,
# then formatting, lints, the whole test suite against both SQLite and PostgreSQL, the browser app's build
# check and its browser tests in Chromium, the REST API against Parsons, bounded fuzzing of GraphQL and REST
# (schemathesis), and quick runs of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export GROUNDWORK_TEST_PG_URL="${GROUNDWORK_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

# The end (or a failure) prints each step's time: CI's budget is 25 minutes on a fresh 2-core machine, and
# this is where to see what spends it.
STEP_NAME=""; STEP_START=$SECONDS; STEP_TIMES=""
record_step() {
  [ -n "$STEP_NAME" ] && STEP_TIMES="${STEP_TIMES}$(printf '%5ds  %s' "$((SECONDS - STEP_START))" "$STEP_NAME")"$'\n'
  return 0
}
step() {
  record_step
  STEP_NAME="$*"; STEP_START=$SECONDS
  printf '\n== %s\n' "$*"
}
print_step_times() { record_step; printf '\n== Step times (%ds in all)\n%s' "$SECONDS" "$STEP_TIMES"; }
trap print_step_times EXIT

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

step "Fetching Chromium, npm modules and Python environments (in the background while Rust compiles)"
mkdir -p target
PREPARE_LOG="target/prepare-tests.log"
scripts/prepare-tests.sh >"$PREPARE_LOG" 2>&1 &
PREPARE_PID=$!
prepared() {
  [ -z "$PREPARE_PID" ] && return 0
  if ! wait "$PREPARE_PID"; then cat "$PREPARE_LOG"; echo "fetching what the tests need failed"; exit 1; fi
  PREPARE_PID=""
}

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test: build"
cargo test --workspace --locked --no-run

step "Waiting for the background fetches"
prepared
tail -n 5 "$PREPARE_LOG"

step "The browser app: generated code and the committed build"
# Fails when web/src/gql is stale against schema.graphql, or when web/dist is not what the lockfile builds.
npm run --prefix web check

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
# (GROUNDWORK_FUZZ_SECONDS: 40 s here to keep CI within its time, 60 s when the script runs alone). Fails on
# any server error or a panic in the server's log.
GROUNDWORK_FUZZ_SECONDS="${GROUNDWORK_FUZZ_SECONDS:-40}" tests/fuzz/run.sh

step "groundwork-bench --quick (SQLite and PostgreSQL)"
# Keeps the benchmark harness from rotting; the figures of a debug build on a CI machine mean little.
cargo run -p bench --locked -- --quick --backend both

step "Browser speed figures, quick (web/scripts/speed.mjs)"
# The same harness as the full figures in docs/performance.md, on a small campaign, so it cannot rot.
node web/scripts/speed.mjs --people 200 --tries 5 --loads 1
