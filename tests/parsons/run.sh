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

source tests/serve.sh
serve_prepare "$VENV/bin/python"

export GW_EMAIL="admin@example.org"
export GW_PASSWORD="parsons check passphrase"

"$BIN" migrate
GROUNDWORK_ADMIN_PASSWORD="$GW_PASSWORD" "$BIN" admin create --email "$GW_EMAIL" --chapter-name "Parsons check"
serve_start "$WORK/server.log"

"$VENV/bin/python" tests/parsons/check.py || { echo "--- server log"; tail -n 50 "$WORK/server.log"; exit 1; }
