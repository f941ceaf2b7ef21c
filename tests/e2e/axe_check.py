"""axe-core (Deque's accessibility engine, from the npm registry) run inside the page by Playwright.

scripts/test.sh installs it into tests/e2e/node_modules (`npm install --prefix tests/e2e axe-core@AXE_VERSION`);
AXE_CORE_JS names another copy of axe.min.js. Without either, the accessibility tests are skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_JS = Path(os.environ.get("AXE_CORE_JS") or Path(__file__).resolve().parent / "node_modules" / "axe-core"
              / "axe.min.js")
BLOCKING = ("serious", "critical")

_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200)})),
  }));
}
"""


def axe_violations(page: Any, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """The page's accessibility violations of the given impacts, as axe-core reports them (rule id, impact,
    help text, and each offending element's CSS path and HTML)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return [v for v in page.evaluate(_RUN) if v["impact"] in impacts]


def describe(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One line per offending element: "page: rule (impact) element — help" (the element by the last step of its
    CSS path and its HTML: the generated class names before it say nothing to a reader)."""
    return [f"{where}: {v['id']} ({v['impact']}) {node['target'].split(' > ')[-1]} {node['html']!r} — {v['help']}"
            for v in violations for node in v["nodes"]]
