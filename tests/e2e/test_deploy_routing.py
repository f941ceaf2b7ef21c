"""Issue 19: how the deployment recipe's nginx (deploy/render_nginx.py) places browsers on app servers, over real
HTTP, with two small HTTP servers standing in for the app servers (each answers with its own port).

Browsers without a route cookie go to the servers in turn, so new browsers spread evenly instead of as a random
hash falls (7 to 3 splits of ten browsers were seen with the hash); the answer gives each a route cookie naming its
server, and every later request with the cookie meets the same server, whatever other browsers do; when that
server is gone, the request is carried to another one. An old or unknown route cookie is placed again. Skipped
when nginx is missing (scripts/test.sh installs it where it can)."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.app_server import NGINX, free_port, running_nginx

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is missing: apt-get install -y nginx")


class _Answer(BaseHTTPRequestHandler):
    """Answers any GET with the server's own port."""

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _server(port: int) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _get(base: str, path: str = "/", route: str | None = None) -> tuple[int, str | None]:
    """(the port of the server that answered, the Set-Cookie header nginx added or None)."""
    request = urllib.request.Request(base + path, headers={"Cookie": f"partner_route={route}"} if route else {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return int(answer.read()), answer.headers.get("Set-Cookie")


@pytest.fixture
def proxied(tmp_path):  # type: ignore[no-untyped-def]
    """(nginx's base URL, the two servers' ports, the two servers: a test may stop one early)."""
    ports, listen = [free_port(), free_port()], free_port()
    with ExitStack() as stack:
        servers = [stack.enter_context(_server(port)) for port in ports]
        base = stack.enter_context(running_nginx(tmp_path, listen, ports))
        yield base, ports, servers


def test_new_browsers_are_spread_evenly_and_each_is_given_the_route_of_its_server(proxied) -> None:
    base, ports, __ = proxied
    served = []
    for __ in range(10):
        port, cookie = _get(base)
        assert cookie is not None and cookie.startswith("partner_route=")
        route = cookie.split(";")[0].removeprefix("partner_route=")
        assert ports[int(route)] == port, "the route cookie names the server that answered"
        served.append(port)
    assert sorted(served.count(port) for port in ports) == [5, 5]


def test_a_browser_with_a_route_stays_on_its_server_and_gets_no_new_cookie(proxied) -> None:
    base, ports, __ = proxied
    for route in (0, 1):
        answers = []
        for __ in range(6):
            answers.append(_get(base, route=str(route)))
            _get(base)  # a new browser placed in between moves the turn on, not this browser
        assert answers == [(ports[route], None)] * 6


def test_when_its_server_is_gone_the_browser_is_carried_to_the_other_one(proxied) -> None:
    base, ports, servers = proxied
    servers[0].shutdown()
    servers[0].server_close()
    assert [_get(base, route="0") for __ in range(3)] == [(ports[1], None)] * 3


def test_an_unknown_route_cookie_is_placed_again(proxied) -> None:
    base, ports, __ = proxied
    port, cookie = _get(base, route="3f2a9c")  # e.g. the random route of the earlier configuration
    assert cookie == f"partner_route={ports.index(port)}; Path=/; HttpOnly; SameSite=Lax"
