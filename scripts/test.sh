#!/usr/bin/env bash
# Installs everything the tests need and runs the whole suite: unit, services on SQLite and PostgreSQL,
# pages with AppTest, and end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

# PostgreSQL on 127.0.0.1:5432: start the local cluster when it is installed but down.
if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi

# Debian's Chromium for the end-to-end tests (Playwright cannot download its own browser here).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: could not install chromium; end-to-end tests will be skipped"
fi

# Debian's nginx for the deployment test (tests/e2e/test_deploy_e2e.py); not started as a service.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null \
    && (service nginx stop >/dev/null 2>&1 || true)) || echo "warning: could not install nginx; the deployment test will be skipped"
fi

# axe-core from the npm registry for the accessibility tests (keep equal to AXE_VERSION in tests/e2e/axe_check.py).
AXE_CORE_VERSION=4.14.1
if ! grep -qs "\"version\": \"$AXE_CORE_VERSION\"" tests/e2e/node_modules/axe-core/package.json; then
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) || true
  fi
  npm install --prefix tests/e2e --no-save --no-package-lock --no-audit --no-fund "axe-core@$AXE_CORE_VERSION" \
    >/dev/null || echo "warning: could not install axe-core; accessibility tests will be skipped"
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"
