"""The texts the code looks up in the translation table: every string literal passed to L(), tr(), t() or
i18n.tr() in playground/ (found by reading the source, so a key can be checked without running its code)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "playground"
NAMES = {"L", "t", "t_", "tr"}


def literal_keys() -> dict[str, str]:
    """key -> where it is used (file:line), for every literal key in the package."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name not in NAMES:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{path.relative_to(ROOT.parent)}:{node.lineno}")
            elif isinstance(first, ast.IfExp):
                for branch in (first.body, first.orelse):
                    if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                        found.setdefault(branch.value, f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


ERRORS = {"InputError", "ModelUnavailable"}


def error_messages() -> tuple[dict[str, str], list[str]]:
    """The messages of every InputError / ModelUnavailable raised in the package: the literal templates (key -> where;
    both branches of a conditional one), and where a message is an f-string (which the table cannot look up)."""
    templates: dict[str, str] = {}
    formatted: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERRORS
                    and node.args):
                continue
            where, first = f"{path.relative_to(ROOT.parent)}:{node.lineno}", node.args[0]
            branches = (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,)
            for branch in branches:
                if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                    templates.setdefault(branch.value, where)
                elif isinstance(branch, ast.JoinedStr):
                    formatted.append(where)
    return templates, formatted
