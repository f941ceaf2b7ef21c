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
