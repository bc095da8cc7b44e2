#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian/Ubuntu machine (or CI):
#   - a virtualenv in .venv with faasguard and faasguard-runtime (all extras) installed editable;
#   - redis-server (the encrypted cache is tested against a real Redis);
#   - the PostgreSQL server (the history store is tested against a real PostgreSQL);
#   - Chromium (the HTML report is tested in a real headless browser);
#   - the official SARIF 2.1.0 JSON schema (from the npm package @microsoft/jest-sarif, which
#     ships it) in .cache/sarif/, so SARIF output is validated against the real schema.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]' -e './runtime[all]'

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "setup-dev: redis-server is missing and cannot be installed (not root, no sudo)" >&2
    exit 1
  fi
fi
# PostgreSQL server binaries (initdb, pg_ctl): the history tests start their own throw-away
# cluster on a free port (tests/estate/conftest.py); nothing is started here. Debian keeps the
# binaries in /usr/lib/postgresql/<version>/bin, which the tests search.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    echo "setup-dev: PostgreSQL (initdb) is missing and cannot be installed (not root, no sudo)" >&2
    exit 1
  fi
fi
# Chromium: the HTML report is tested in a real headless browser (tests/estate/chromium.py,
# DevTools protocol); Debian's package, nothing downloaded by a test.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "setup-dev: chromium is missing and cannot be installed (not root, no sudo)" >&2
    exit 1
  fi
fi
if [ -f .ci/services.sh ]; then
  bash .ci/services.sh
fi

schema=.cache/sarif/sarif-schema-2.1.0.json
if [ ! -s "$schema" ]; then
  mkdir -p .cache/sarif
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 \
     && tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json)
  cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
  rm -rf "$tmp"
fi
echo "setup-dev: ready"
