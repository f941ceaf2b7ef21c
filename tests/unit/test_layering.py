"""The dependency rule of ARCHITECTURE.md, read from the sources: partner_model never imports streamlit;
pages/ and dashboard.py never import sqlmodel or sqlalchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call):
            # importlib.import_module("x") / __import__("x") with a literal name
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if (name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def _sources(*relative: str) -> list[Path]:
    files: list[Path] = []
    for rel in relative:
        path = ROOT / rel
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts))
    return files


def test_partner_model_never_imports_streamlit():
    files = _sources("partner_model")
    assert files, "partner_model/ has no sources"
    offenders = {str(f.relative_to(ROOT)): sorted(_top(_imported_modules(f)) & {"streamlit"}) for f in files}
    assert {f: m for f, m in offenders.items() if m} == {}


def test_pages_and_dashboard_never_import_sqlmodel_or_sqlalchemy():
    files = _sources("pages", "dashboard.py")
    if not files:
        pytest.skip("pages/ and dashboard.py do not exist yet")
    forbidden = {"sqlmodel", "sqlalchemy"}
    offenders = {str(f.relative_to(ROOT)): sorted(_top(_imported_modules(f)) & forbidden) for f in files}
    assert {f: m for f, m in offenders.items() if m} == {}


def test_the_import_checker_sees_plain_from_and_dynamic_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import streamlit as st\nfrom sqlalchemy.orm import Session\nimport importlib\n"
        "def f():\n    import sqlmodel\n    return importlib.import_module('plotly.express')\n"
    )
    assert _top(_imported_modules(sample)) >= {"streamlit", "sqlalchemy", "sqlmodel", "importlib", "plotly"}


# --- rooms by area -------------------------------------------------------------------------------------

COMPONENTS = "pages.components"
# Which area each page file belongs to (besides frame, which every page may use).
PAGE_AREAS = {
    "dashboard.py": "inbox", "pages/customers.py": "customers", "pages/register_deal.py": "deals",
    "pages/deal_board.py": "deals", "pages/review_queue.py": "deals", "pages/pipeline.py": "pipeline",
    "pages/commissions.py": "commissions", "pages/admin.py": "admin", "pages/billing.py": "admin",
    "pages/inbox.py": "inbox", "pages/team.py": "team", "pages/payouts.py": "payouts",
    "pages/apply.py": "applications",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _first_party_imports(path: Path, known: set[str]) -> set[str]:
    """The first-party modules a file imports, anywhere in it (a lazy import inside a function counts):
    `from a.b import c` names a.b.c when that is a module, else a.b."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                found.add(target if target in known else node.module)
    return {name for name in found if name in known}


def _graph(*roots: str) -> dict[str, set[str]]:
    files = _sources(*roots)
    modules = {_module_name(f): f for f in files}
    return {name: _first_party_imports(path, set(modules)) - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_there_is_no_import_cycle_in_the_interface_or_the_domain():
    for root in ("pages", "partner_model"):
        cycle = find_cycle(_graph(root))
        assert cycle is None, f"import cycle in {root}: {' -> '.join(cycle)}"


def test_the_cycle_finder_names_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def _area(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and module.startswith(COMPONENTS + ".") else None


def test_each_area_imports_only_itself_frame_and_the_domain():
    graph = _graph("pages/components")
    offenders = {}
    for module, imported in graph.items():
        area = _area(module)
        wrong = sorted(m for m in imported if _area(m) not in (area, "frame"))
        if area == "frame":
            wrong = sorted(m for m in imported if _area(m) != "frame")
        if wrong:
            offenders[module] = wrong
    assert offenders == {}


def test_every_area_is_a_package_that_says_what_lives_there():
    areas = [p for p in (ROOT / "pages" / "components").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert {p.name for p in areas} >= {"frame", "customers", "deals", "pipeline", "commissions", "admin"}
    for area in areas:
        init = area / "__init__.py"
        assert init.is_file(), f"{area.name} has no __init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{area.name} says nothing"
    assert not list((ROOT / "pages" / "components").glob("*.py"))[1:], "modules left outside an area"


def test_page_files_import_their_own_area_and_frame_only():
    pages = sorted(p for p in (ROOT / "pages").glob("*.py")) + [ROOT / "dashboard.py"]
    known = {_module_name(f) for f in _sources("pages")}
    offenders = {}
    for page in pages:
        rel = str(page.relative_to(ROOT))
        assert rel in PAGE_AREAS, f"{rel}: say which area it belongs to in PAGE_AREAS"
        imported = {m for m in _first_party_imports(page, known) if m.startswith(COMPONENTS + ".")}
        wrong = sorted(m for m in imported if _area(m) not in (PAGE_AREAS[rel], "frame"))
        if wrong:
            offenders[rel] = wrong
    assert offenders == {}


MODULE_LINE_LIMIT = 400


def test_no_module_is_over_400_lines_without_saying_why():
    """A long module is a sign it holds two things; one that must stay long says why in its docstring."""
    long = {}
    for path in _sources("pages", "partner_model", "dashboard.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if lines > MODULE_LINE_LIMIT and "Long because" not in doc:
            long[str(path.relative_to(ROOT))] = lines
    assert long == {}
