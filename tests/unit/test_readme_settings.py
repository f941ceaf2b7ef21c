"""Issue 19: every setting is an environment variable, and every one the code reads is in the README's one
Configuration table (a new setting without its row fails here, with its name)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""(?:environ\.get|environ\[|getenv|_hours)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")


def _read_by_code() -> set[str]:
    names: set[str] = set()
    for folder in ("partner_model", "pages", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(READ.findall(path.read_text(encoding="utf-8")))
    names |= set(READ.findall((ROOT / "app.py").read_text(encoding="utf-8")))
    return names - {"PGPASSWORD"}  # backups hand the URL's password to pg_dump: not a setting


def _configuration_table() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", section, flags=re.MULTILINE))


def test_every_environment_variable_the_code_reads_is_in_the_readme_table():
    read = _read_by_code()
    assert {"DATABASE_URL", "SMTP_URL", "PRODUCT_WEBHOOK_URL", "PARTNER_SESSION_IDLE_HOURS"} <= read
    assert read - _configuration_table() == set()
