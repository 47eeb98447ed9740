#!/usr/bin/env bash
# The REST API against the real client: Parsons' ActionBuilder connector (PyPI `parsons`, pinned below) in
# a virtual environment this script creates, pointed at a real `groundwork serve` on a fresh SQLite data
# directory. check.py runs each connector method and checks the results through GraphQL.
set -euo pipefail
cd "$(dirname "$0")/../.."

PARSONS_VERSION="6.1.0"
VENV="${GROUNDWORK_PARSONS_VENV:-target/parsons-venv}"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import parsons" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "parsons==$PARSONS_VERSION"
fi
# `--prepare`: only make the environment (scripts/test.sh does it while Rust compiles).
[ "${1:-}" = "--prepare" ] && exit 0

cargo build --quiet -p api --bin groundwork
BIN="target/debug/groundwork"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export GROUNDWORK_DATA_DIR="$WORK/data"
export GROUNDWORK_LISTEN="127.0.0.1:$PORT"
export GW_URL="http://127.0.0.1:$PORT"
export GW_EMAIL="admin@example.org"
export GW_PASSWORD="parsons check passphrase"
mkdir -p "$GROUNDWORK_DATA_DIR"

"$BIN" migrate
GROUNDWORK_ADMIN_PASSWORD="$GW_PASSWORD" "$BIN" admin create --email "$GW_EMAIL" --chapter-name "Parsons check"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# Ready when /healthz answers (at most 60 s); a server that exits early fails at once with its log.
"$VENV/bin/python" - <<'PY' || { cat "$WORK/server.log"; exit 1; }
import os, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(os.environ["GW_URL"] + "/healthz", timeout=2) as reply:
            if reply.status == 200:
                break
    except OSError:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not answer /healthz within 60 s")
        time.sleep(0.2)
PY

"$VENV/bin/python" tests/parsons/check.py || { echo "--- server log"; tail -n 50 "$WORK/server.log"; exit 1; }
