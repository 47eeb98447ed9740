#!/usr/bin/env bash
# Fetches what the tests need besides Rust crates: Node.js and npm if missing, Debian's Chromium, the npm
# modules of the test OpenID Connect provider and of the browser app, and the Python environment of the
# Parsons check. All of it waits on the network, not the CPU, so scripts/test.sh runs this in the background
# while Rust compiles. Safe to run again: each part is skipped when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

packages=()
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
# Debian's Chromium drives the browser tests (playwright-core 1.64.1 matches its version 156).
[ -x /usr/bin/chromium ] || packages+=(chromium)
if [ "${#packages[@]}" -gt 0 ]; then apt_install "${packages[@]}"; fi
command -v node >/dev/null 2>&1 || { echo "Node.js is needed for the single sign-on and browser tests; install node and npm"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "Chromium is needed for the browser tests; install the chromium package"; exit 1; }

# The single sign-on tests sign in against a real provider (tests/oidc-provider, panva's oidc-provider).
if [ ! -f tests/oidc-provider/node_modules/.package-lock.json ] \
  || [ tests/oidc-provider/package-lock.json -nt tests/oidc-provider/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/oidc-provider --no-audit --no-fund
fi
npm ci --prefix web --no-audit --no-fund

# The Python environments of the REST check (Parsons) and of the fuzzing (schemathesis), pinned in their
# scripts.
tests/parsons/run.sh --prepare
tests/fuzz/run.sh --prepare
