"""What the end-to-end tests share: the browser, the seeded users, the running server's address.

Test modules import from here (`from e2e_support import PASSWORD, Server, email`), never from conftest:
with tests/pages and tests/e2e in one run, "conftest" names only one of the two.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "correct horse battery"
ROLES = ("partner_user", "partner_admin", "partner_manager", "finance", "admin")


def email(role: str) -> str:
    return f"{role.replace('_', '.')}@vendor-e2e.example"


@dataclass
class Server:
    url: str
    database: Path
    log: Path
    user_ids: dict[str, int] = field(default_factory=dict)
