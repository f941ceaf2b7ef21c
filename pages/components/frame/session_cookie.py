"""The HTTP half of signing in: the routes that set and clear the sign-in cookie, and the security headers.

app.py serves these beside the Streamlit app on the same port (st.App routes and middleware); the pages never
touch the cookie themselves.

- POST /auth/session (form field `code`): trades the one-time handoff code a page got from
  sign_in_sessions.start_with_handoff for the session's token and sets it as the `partner_session` cookie:
  HttpOnly (page JavaScript cannot read it), SameSite=Lax, Secure over https, Path=/. The token is made in this
  response and exists nowhere else: not in a URL, a page, or the database (only its sha256).
- POST /auth/sign-out: ends the cookie's session (if still on) and clears the cookie.

Both refuse a request another site's page sent (its Origin, or Sec-Fetch-Site, says so).

The page asks for them with a same-origin fetch() (cookie_script): Set-Cookie on a fetch response is stored like
any other, and the browser stays on its page and its connection.
"""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from partner_model import db, sign_in_sessions

COOKIE_NAME = "partner_session"
SESSION_PATH = "/auth/session"
SIGN_OUT_PATH = "/auth/sign-out"
_MAX_BODY = 1000

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}
# Streamlit's custom components (streamlit-sortables) and media are iframes of the app's own pages: those may be
# framed by the app itself, never by another site.
_FRAMED_BY_THE_APP = ("/component/", "/media/")
_SAME_ORIGIN_FRAMING = {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}


@functools.lru_cache(maxsize=4)
def _engine_for(url: str) -> Any:
    engine = db.make_engine(url)
    db.migrate(engine)  # a no-op at head; a route may come before any page run after a deploy
    return engine


def _in_session(action: Any) -> Any:
    with db.session(_engine_for(db.database_url())) as s:
        return action(s)


def is_https(request: Request) -> bool:
    """Whether the browser talks https to us: directly, or through a proxy that says so."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _same_origin(request: Request) -> bool:
    """False when the request comes from another site's page (cross-site request forgery of a sign-in or out)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(origin).netloc.lower() == host.split(",")[0].strip().lower()


def _set_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(COOKIE_NAME, token, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=is_https(request))


async def _code(request: Request) -> str | None:
    body = await request.body()
    if len(body) > _MAX_BODY:
        return None
    values = parse_qs(body.decode("utf-8", "replace")).get("code")
    return values[0] if values else None


async def start_cookie(request: Request) -> Response:
    """POST /auth/session: a valid handoff code becomes the HttpOnly session cookie (204); else 400, no cookie."""
    if not _same_origin(request):
        return PlainTextResponse("Cross-site request refused.", status_code=403)
    code = await _code(request)
    token = await run_in_threadpool(_in_session, lambda s: sign_in_sessions.redeem_handoff(s, code))
    if token is None:
        return PlainTextResponse("Unknown or expired sign-in code.", status_code=400,
                                 headers={"Cache-Control": "no-store"})
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _set_cookie(response, request, token, int(sign_in_sessions.SESSION_MAX_HOURS * 3600))
    return response


async def end_cookie(request: Request) -> Response:
    """POST /auth/sign-out: end the cookie's session and clear the cookie (204)."""
    if not _same_origin(request):
        return PlainTextResponse("Cross-site request refused.", status_code=403)
    token = request.cookies.get(COOKIE_NAME)
    if token:
        await run_in_threadpool(_in_session, lambda s: sign_in_sessions.end_session(s, token))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _set_cookie(response, request, "", 0)
    return response


ROUTES = [
    Route(SESSION_PATH, start_cookie, methods=["POST"]),
    Route(SIGN_OUT_PATH, end_cookie, methods=["POST"]),
]


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response (the app's pages, its assets, the routes):
    no MIME sniffing, no referrer to other sites, and no framing by another site."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(SECURITY_HEADERS)
        if any(part in scope.get("path", "") for part in _FRAMED_BY_THE_APP):
            headers.update(_SAME_ORIGIN_FRAMING)

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cookie_script(path: str, code: str | None = None) -> str:
    """The page's script asking a route above to set (with a handoff `code`) or clear the cookie."""
    body = f"code={code}" if code else ""
    return (f"<script>fetch({json.dumps(path)}, {{method: 'POST', credentials: 'same-origin', cache: 'no-store', "
            f"headers: {{'Content-Type': 'application/x-www-form-urlencoded'}}, body: {json.dumps(body)}}});"
            "</script>")
