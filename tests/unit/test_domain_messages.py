"""Every message the domain layer can show a user is in the catalogue: read from partner_model's sources.

A DomainError (or a subclass) is built with its message as an `N_("...")` call, a constant whose value is
one (`rules.SIGN_IN_FAILED`), or an item of a constant dict whose values all are (`access.DENIED[action]`).
An f-string, a concatenation or a plain string never reaches a page untranslated again.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from partner_model import access, errors
from partner_model.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "partner_model"


def _error_classes() -> dict[str, bool]:
    """Name -> whether its first argument is a field (ValidationError and its subclasses)."""
    found: dict[str, bool] = {}
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = issubclass(cls, errors.ValidationError)
        pending.extend(cls.__subclasses__())
    return found


ERROR_CLASSES = _error_classes()


def _sources() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for path in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in path.parts}


def _name(node: ast.AST) -> str | None:
    """`x` for `x` and for `module.x`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_marked(node: ast.AST | None) -> bool:
    """An N_ call on one plain string literal."""
    return (isinstance(node, ast.Call) and _name(node.func) == "N_" and len(node.args) == 1 and not node.keywords
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))


def _marked_constants(trees: dict[Path, ast.Module]) -> tuple[set[str], set[str]]:
    """Module-level names bound to an N_ call, and to a dict literal whose values all are N_ calls."""
    messages: set[str] = set()
    tables: set[str] = set()
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if _is_marked(value):
                messages.add(target.id)
            elif isinstance(value, ast.Dict) and value.values and all(_is_marked(v) for v in value.values):
                tables.add(target.id)
    return messages, tables


def _message_argument(call: ast.Call, has_field: bool) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == "message":
            return keyword.value
    position = 1 if has_field else 0
    return call.args[position] if len(call.args) > position else None


def _placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(template) if name is not None}


def unmarked_messages(trees: dict[Path, ast.Module]) -> list[str]:
    """Where a domain error is built with a message that is not marked, or whose parameters do not fit it."""
    messages, tables = _marked_constants(trees)
    problems: list[str] = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in ERROR_CLASSES):
                continue
            at = f"{where}:{node.lineno}"
            has_field = ERROR_CLASSES[_name(node.func)]  # type: ignore[index]
            message = _message_argument(node, has_field)
            names = {k.arg for k in node.keywords}
            if "field" in names and (not has_field or node.args):
                problems.append(f"{at}: a parameter named field clashes with the error's own field")
            if _is_marked(message):
                template = message.args[0].value  # type: ignore[union-attr]
                given = names - {None, "field", "message"}
                if any(k.arg is None for k in node.keywords):
                    continue  # **params: checked where they are built
                if _placeholders(template) != given:
                    problems.append(f"{at}: {template!r} is given {sorted(given)}")
            elif not (_name(message) in messages  # type: ignore[arg-type]
                      or isinstance(message, ast.Subscript) and _name(message.value) in tables):
                shown = ast.unparse(message) if message is not None else "no message"
                problems.append(f"{at}: {_name(node.func)}({shown}) is not an N_(...) message")
    for path, tree in trees.items():  # N_ marks one literal, never an f-string or a variable
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "N_" and not _is_marked(node):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: N_({ast.unparse(node)}) is not a literal")
    return problems


def test_every_domain_error_message_is_marked_for_the_catalogue():
    trees = _sources()
    assert len(trees) > 10, "partner_model's sources were not found"
    assert unmarked_messages(trees) == []


@pytest.mark.parametrize("source", [
    'raise NotFound("User not found.")',
    'raise ValidationError("week", f"Week {week} is not a week.")',
    'raise Conflict("Already " + state)',
    'raise PermissionDenied(message)',
    'return AuthError(TEXT)',
    'raise ValidationError("x", N_("{label} is required."))',
    'raise AlreadyExists("email", N_(f"{email} exists"))',
    'raise DomainError(N_("One " "two {n}"), m=1)',
    'raise ValidationError(name, N_("Unknown field: {field}."), field=name)',
])
def test_the_check_finds_unmarked_messages(source):
    tree = ast.parse(f"TEXT = 'plain'\ndef f():\n    {source}\n")
    assert unmarked_messages({ROOT / "example.py": tree})


@pytest.mark.parametrize("source", [
    'raise NotFound(N_("User not found."))',
    'raise ValidationError("x", N_("{label} is required."), label=label)',
    'raise ValidationError(field, N_("One " "two {n}."), n=1) from None',
    'raise AuthError(rules.SIGN_IN_FAILED)',
    'raise Conflict(MESSAGE)',
    'raise PermissionDenied(DENIED[action])',
])
def test_the_check_accepts_marked_messages(source):
    tree = ast.parse(f"MESSAGE = N_('Changed.')\nDENIED = {{'a': N_('No.')}}\nSIGN_IN_FAILED = N_('Wrong.')\n"
                     f"def f():\n    {source}\n")
    assert unmarked_messages({ROOT / "example.py": tree}) == []


def _literal_argument(call: ast.Call, position: int) -> str | None:
    """The call's argument at `position` when it is a string literal (or an N_ call on one)."""
    if len(call.args) <= position:
        return None
    argument = call.args[position]
    if _is_marked(argument):
        argument = argument.args[0]  # type: ignore[attr-defined]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def test_every_action_and_row_checked_has_a_whole_sentence():
    """require_role's actions and check_owns' rows are keys of access.DENIED and access.NOT_FOUND, so a refused
    user reads one translated sentence, not an English fragment inside a translated one."""
    missing = []
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            table = {"require_role": access.DENIED, "check_owns": access.NOT_FOUND}.get(_name(node.func) or "")
            if table is None:
                continue
            key = _literal_argument(node, 2)
            if key is None or key not in table:
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert missing == []


def test_the_english_sentences_are_the_ones_of_the_fragments():
    for action, sentence in access.DENIED.items():
        assert sentence == f"You are not allowed to {action}."
    for what, sentence in access.NOT_FOUND.items():
        assert sentence == f"{what} not found."


def test_translated_fills_translated_parameters_and_leaves_empty_text_alone():
    words = {"{label} is required.": "{label} on pakollinen.", "Name": "Nimi", "": "Project-Id-Version: header"}
    error = errors.ValidationError("name", errors.N_("{label} is required."), label="Name")
    assert error.translated(lambda text: words.get(text, text)) == "Nimi on pakollinen."
    assert str(error) == "Name is required."
    empty = errors.ValidationError("sort", errors.N_("Cannot sort by {name}: choose one of {choices}."), name="",
                                   choices="a, b")
    assert empty.translated(lambda text: words.get(text, text)) == "Cannot sort by : choose one of a, b."
