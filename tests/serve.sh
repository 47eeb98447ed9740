# Sourced by the scripts that check a real `groundwork serve` from outside (tests/parsons/run.sh,
# tests/fuzz/run.sh): a fresh SQLite data directory on a free port, a server started in the background and
# waited for on /healthz, and everything removed when the script exits. Needs BIN (the groundwork binary).

# serve_prepare PYTHON: makes WORK (a temporary folder), picks a free port and exports GROUNDWORK_DATA_DIR,
# GROUNDWORK_LISTEN and GW_URL; the server (if started) is stopped and WORK removed on exit.
serve_prepare() {
  SERVE_PYTHON="$1"
  WORK="$(mktemp -d)"
  SERVER_PID=""
  trap serve_cleanup EXIT
  local port
  port="$("$SERVE_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  export GROUNDWORK_DATA_DIR="$WORK/data"
  export GROUNDWORK_LISTEN="127.0.0.1:$port"
  export GW_URL="http://127.0.0.1:$port"
  mkdir -p "$GROUNDWORK_DATA_DIR"
}

serve_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}

# serve_start LOG: starts the server with its output in LOG and returns once /healthz answers (at most
# 60 s); a server that exits or never answers fails the script with its log.
serve_start() {
  local log="$1"
  "$BIN" serve >"$log" 2>&1 &
  SERVER_PID=$!
  "$SERVE_PYTHON" - <<'PY' || { cat "$log"; exit 1; }
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
}
