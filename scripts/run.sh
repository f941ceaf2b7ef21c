#!/usr/bin/env bash
# Runs the dashboard on its embedded default (SQLite in data/partners.db, or DATABASE_URL):
# installs, migrates, seeds the demo program on first start, then starts Streamlit (app.py: st.App).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m partner_model ensure-demo
exec .venv/bin/streamlit run app.py "$@"  # dashboard.py and its pages, plus the sign-in cookie routes (st.App)
