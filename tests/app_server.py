"""`streamlit run app.py` on a free port over a given database, for the tests that talk to the real server: the
end-to-end tests (Chromium) and the HTTP API tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path) -> str:
    return log.read_text()[-3000:] if log.exists() else "(no log written)"


def wait_ready(check: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Until `check` (a URL) answers 200; the process's log in the error when it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[2]} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(check, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{check} did not answer within {timeout} s:\n{_tail(log)}")


@contextmanager
def running_app(db_url: str, log: Path, env: dict[str, str] | None = None,
                port: int | None = None) -> Iterator[str]:
    """The app served over `db_url` (on `port`, else a free one); yields its base URL ("http://127.0.0.1:<port>"),
    stops it after."""
    port = port or free_port()
    environment = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               # Files edited while the suite runs must not reload modules under the running app.
               "--server.fileWatcherType", "none",
               # A failing test shows the whole error in its message, not the redacted one users get.
               "--client.showErrorDetails", "full"]
    with log.open("a") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/_stcore/health", proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@contextmanager
def running_nginx(folder: Path, listen: int, ports: list[int]) -> Iterator[str]:
    """Debian's nginx on 127.0.0.1:`listen` in front of the app servers on `ports`, configured by the deployment
    recipe (deploy/render_nginx.py) with its files under `folder`; yields its base URL, stops it after."""
    sys.path.insert(0, str(ROOT / "deploy"))
    from render_nginx import render

    if NGINX is None:
        raise RuntimeError("nginx is missing: apt-get install -y nginx")
    config = render(folder / "nginx", f"127.0.0.1:{listen}", ports)
    proc = subprocess.Popen([NGINX, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_ready(f"http://127.0.0.1:{listen}/healthz", proc, config.parent / "error.log", timeout=20)
        yield f"http://127.0.0.1:{listen}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
