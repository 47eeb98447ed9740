#!/usr/bin/env bash
# Fuzzing, bounded: schemathesis (PyPI; it and its dependencies pinned in requirements.txt, installed into a
# virtual environment this script makes) against a real `groundwork serve` (the debug binary) on a fresh
# SQLite data directory with the demo data, signed in with a real admin API token: first the GraphQL endpoint
# (from its introspected schema), then the REST API (from docs/openapi.json). Ids the demo holds are fed to
# the fuzzer half the time (prepare.py), so it reaches real people and campaigns. Fails on any 5xx answer,
# any GraphQL error coded INTERNAL (hooks.py), a REST answer openapi.json does not describe (status, content
# type, shape), a panic in the server's log, or a token the run locked out.
# Each endpoint gets a time budget (GROUNDWORK_FUZZ_SECONDS, 60 s by default; GROUNDWORK_FUZZ_ONLY=graphql or
# rest runs one); the reports (JUnit, NDJSON) and the server log stay in target/fuzz-report.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

REQUIREMENTS="tests/fuzz/requirements.txt" # schemathesis 4.32.5 and its dependencies, pinned
VENV="${GROUNDWORK_FUZZ_VENV:-target/fuzz-venv}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
SECONDS_PER_ENDPOINT="${GROUNDWORK_FUZZ_SECONDS:-60}"
DEMO_PEOPLE="${GROUNDWORK_FUZZ_DEMO_PEOPLE:-60}"
# Random unless given; schemathesis prints the seed it used, and GROUNDWORK_FUZZ_SEED=… replays a run.
SEED=()
[ -n "${GROUNDWORK_FUZZ_SEED:-}" ] && SEED=(--seed "$GROUNDWORK_FUZZ_SEED")
REPORT="$PWD/target/fuzz-report"

if [ ! -x "$VENV/bin/schemathesis" ] || ! cmp -s "$REQUIREMENTS" "$VENV/requirements.installed"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$VENV/requirements.installed"
fi
# `--prepare`: only make the environment (scripts/test.sh does it while Rust compiles).
[ "${1:-}" = "--prepare" ] && exit 0

if [ -z "${GROUNDWORK_FUZZ_NO_BUILD:-}" ]; then
  cargo build --quiet -p api --bin groundwork --locked
fi
BIN="target/debug/groundwork"

source tests/serve.sh
serve_prepare "$VENV/bin/python"
rm -rf "$REPORT"
mkdir -p "$REPORT"

export GW_EMAIL="admin@example.org"
export GW_PASSWORD="fuzzing check passphrase"

"$BIN" migrate
CHAPTER="$(GROUNDWORK_ADMIN_PASSWORD="$GW_PASSWORD" "$BIN" admin create --email "$GW_EMAIL" --chapter-name "Fuzzing" 2>"$WORK/admin.err")"
ADMIN="$(sed -n 's/.*(user \([0-9a-f-]\{36\}\)).*/\1/p' "$WORK/admin.err")"
[ -n "$ADMIN" ] || { cat "$WORK/admin.err"; echo "no admin user id"; exit 1; }
GROUNDWORK_DEV_CHAPTER="$CHAPTER" GROUNDWORK_DEV_USER="$ADMIN" "$BIN" demo --people "$DEMO_PEOPLE" >/dev/null

GROUNDWORK_LOG="${GROUNDWORK_LOG:-info,sqlx=warn}" serve_start "$REPORT/server.log"

"$VENV/bin/python" tests/fuzz/prepare.py "$WORK/fuzz"
TOKEN="$(cat "$WORK/fuzz/token")"

export SCHEMATHESIS_HOOKS="$PWD/tests/fuzz/hooks.py"
COMMON=(--max-time "$SECONDS_PER_ENDPOINT" "${SEED[@]}" --workers 2 --generation-database none
  --request-timeout 30 --no-color --report junit,ndjson --warnings off)

export FUZZ_DIR="$WORK/fuzz"
status=0

# The token must still work after a run: a fuzzer that locked itself out tested nothing but 401.
still_signed_in() {
  "$VENV/bin/python" - <<'PY' || { echo "the fuzzer's token no longer works after the $1 run"; status=1; }
import json, os, urllib.request
token = open(os.environ["FUZZ_DIR"] + "/token").read()
request = urllib.request.Request(
    os.environ["GW_URL"] + "/graphql",
    data=json.dumps({"query": "{ me { role } }"}).encode(),
    headers={"authorization": "Bearer " + token, "content-type": "application/json"},
)
with urllib.request.urlopen(request, timeout=30) as reply:
    assert json.load(reply)["data"]["me"]["role"] == "ADMIN"
PY
}

# fuzz NAME CONFIG LOCATION ARGUMENTS…: one schemathesis run, its time, its summary and the token check.
fuzz() {
  local name="$1" config="$2" location="$3" started=$SECONDS
  shift 3
  echo "-- $name: $location for ${SECONDS_PER_ENDPOINT} s"
  # Run from the report folder: schemathesis keeps the failures it found in `.schemathesis/` there.
  (cd "$REPORT" && "$VENV/bin/schemathesis" --config-file "$WORK/fuzz/$config" run "$location" "$@" \
    --report-junit-path "$REPORT/${config%.toml}.xml" --report-ndjson-path "$REPORT/${config%.toml}.ndjson" \
    "${COMMON[@]}") || status=1
  echo "-- $name took $((SECONDS - started)) s"
  "$VENV/bin/python" tests/fuzz/summary.py "$REPORT/${config%.toml}.ndjson"
  still_signed_in "$name"
}

ONLY="${GROUNDWORK_FUZZ_ONLY:-graphql,rest}"
if [[ ",$ONLY," == *",graphql,"* ]]; then
  fuzz GraphQL graphql.toml "$GW_URL/graphql" -H "Authorization: Bearer $TOKEN" \
    --checks groundwork_no_server_error
fi
# REST also answers as openapi.json says: documented statuses, content types and shapes (errors included).
REST_CHECKS="not_a_server_error,groundwork_no_server_error"
REST_CHECKS+=",status_code_conformance,content_type_conformance,response_schema_conformance"
if [[ ",$ONLY," == *",rest,"* ]]; then
  fuzz REST rest.toml "$ROOT/docs/openapi.json" --url "$GW_URL/api/rest/v1" -H "OSDI-API-Token: $TOKEN" \
    --checks "$REST_CHECKS"
fi

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "the server died during fuzzing"; tail -n 50 "$REPORT/server.log"; status=1
fi
if grep -n "panicked" "$REPORT/server.log"; then
  echo "the server panicked (above; the whole log is $REPORT/server.log)"; status=1
fi
echo "-- server log: $(grep -c ' ERROR ' "$REPORT/server.log" || true) ERROR lines, $(grep -c ' WARN ' "$REPORT/server.log" || true) WARN lines"
exit "$status"
