"""The app as served: dashboard.py and its pages, plus HTTP routes on the same port (Streamlit's st.App).

Run with `streamlit run app.py` (scripts/run.sh does). dashboard.py stays the home page and the entry AppTest
runs. The routes set and clear the HttpOnly sign-in cookie (pages/components/frame/session_cookie.py) and serve
the product feed's HTTP API and the health checks (api/); the middleware adds security headers to every response.
frame/failover.py lets a page that reconnected to another app server run on the user's first click.
"""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from api import ROUTES as API_ROUTES
from pages.components.frame import failover, run_timer
from pages.components.frame.session_cookie import ROUTES, SecurityHeaders

failover.install()  # after a failover to another app server, the first click inside a fragment runs the page
run_timer.install()  # page-run durations for /metrics

app = st.App("dashboard.py", routes=[*ROUTES, *API_ROUTES], middleware=[Middleware(SecurityHeaders)])
