#!/usr/bin/env bash
# Runs the dashboard on its embedded default (SQLite in data/partners.db, or DATABASE_URL):
# installs, migrates, seeds the demo program on first start, then starts Streamlit (app.py: st.App).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ]; then  # the embedded demo: a made-up vendor account, so its bank file can be made
  export VENDOR_NAME="${VENDOR_NAME:-Demo Vendor Oy}" VENDOR_IBAN="${VENDOR_IBAN:-FI2112345600000785}"
  export VENDOR_COUNTRY="${VENDOR_COUNTRY:-FI}" VENDOR_VAT_ID="${VENDOR_VAT_ID:-FI12345678}"
  export VENDOR_ADDRESS="${VENDOR_ADDRESS:-Mannerheimintie 1, 00100 Helsinki}"
fi
.venv/bin/python -m partner_model ensure-demo
exec .venv/bin/streamlit run app.py "$@"  # dashboard.py and its pages, plus the sign-in cookie routes (st.App)
