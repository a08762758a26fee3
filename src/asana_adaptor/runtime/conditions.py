"""Edge conditions: small Python expressions over ``state``, checked before they run.

A condition is an expression only, read against a whitelist of syntax: names (``state``,
``True``/``False``/``None``, the safe functions below and the variables of a comprehension),
literals, ``and``/``or``/``not``, comparisons (``==``, ``<``, ``in``, ``is``...), arithmetic,
subscripts (``state["data"]["count"]``), conditional expressions and comprehensions.
Calls are limited to the safe functions (``len``, ``str``, ``int``, ``float``, ``bool``,
``any``, ``all``, ``min``, ``max``, ``sorted``, ``sum``, ``abs``, ``round``, ``isinstance``
with built-in types) and a few read-only methods (``.get``, ``.keys``, ``.values``,
``.items``, ``.startswith``, ``.endswith``, ``.lower``, ``.upper``, ``.strip``). No imports,
no attribute other than those methods, nothing starting with an underscore, no lambdas.

>>> check = Condition.compile('state["data"]["count"] > 2 and not state.get("errors")')
>>> check({"data": {"count": 3}})
True
"""

from __future__ import annotations

import ast
import builtins
import re
from typing import Any

__all__ = ["Condition", "ConditionError"]

SAFE_FUNCTIONS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in ("len", "str", "int", "float", "bool", "any", "all", "min", "max", "sorted",
                 "sum", "abs", "round", "isinstance", "list", "dict")
}
SAFE_METHODS = frozenset(
    {"get", "keys", "values", "items", "startswith", "endswith", "lower", "upper", "strip"}
)
_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot, ast.Constant, ast.Name, ast.Load, ast.Store, ast.Subscript, ast.Slice,
    ast.Attribute, ast.Call, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.IfExp,
    ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.comprehension,
)


def _javascript_hint(text: str) -> str:
    """What to write instead of JavaScript operators (OpenFn's conditions are JavaScript)."""
    swaps = [(js, py) for js, py in (("===", "=="), ("!==", "!="), ("&&", "and"), ("||", "or"))
             if js in text]
    if re.search(r"!(?!=)", text):
        swaps.append(("!", "not "))
    if not swaps:
        return ""
    return (" (conditions are Python, not JavaScript: write "
            + ", ".join(f"{py.strip()!r} for {js!r}" for js, py in swaps)
            + "; read keys with state[\"key\"] or state.get(\"key\"))")


class ConditionError(ValueError):
    """A condition uses something the evaluator does not allow."""


class _Checker(ast.NodeVisitor):
    def __init__(self, text: str) -> None:
        self.text = text
        self.names = {"state", "True", "False", "None", *SAFE_FUNCTIONS}

    def refuse(self, node: ast.AST, why: str) -> None:
        col = getattr(node, "col_offset", None)
        where = f" at column {col + 1}" if col is not None else ""
        raise ConditionError(f"condition {self.text!r}: {why}{where}")

    def generic_visit(self, node: ast.AST) -> None:
        if not isinstance(node, _NODES):
            self.refuse(node, f"{type(node).__name__} is not allowed in a condition")
        super().generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if node.is_async:
            self.refuse(node, "async comprehensions are not allowed")
        for target in ast.walk(node.target):
            if isinstance(target, ast.Name):
                if target.id.startswith("_"):
                    self.refuse(target, f"the name {target.id!r} is not allowed")
                self.names.add(target.id)
            elif not isinstance(target, (ast.Tuple, ast.Store)):
                self.refuse(target, "a comprehension may only bind plain names")
        self.generic_visit(node)

    def _visit_comp(self, node: ast.AST) -> None:
        for generator in node.generators:  # type: ignore[attr-defined]
            self.visit(generator)
        for child in ("elt",):
            self.visit(getattr(node, child))

    visit_GeneratorExp = visit_ListComp = visit_SetComp = _visit_comp

    def visit_Name(self, node: ast.Name) -> None:
        if node.id not in self.names:
            self.refuse(node, f"unknown name {node.id!r} (use state[...] and the safe "
                              f"functions: {', '.join(sorted(SAFE_FUNCTIONS))})")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr not in SAFE_METHODS:
            hint = (f" (to read a key, write [{node.attr!r}])"
                    if not node.attr.startswith("_") else "")
            self.refuse(node, f"the attribute {node.attr!r} is not allowed{hint}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self.visit(node.func)  # unknown names, forbidden attributes and lambdas fail here
        func = node.func
        if not ((isinstance(func, ast.Name) and func.id in SAFE_FUNCTIONS)
                or (isinstance(func, ast.Attribute) and func.attr in SAFE_METHODS)):
            self.refuse(node, "only calls to the safe functions and .get/.keys/.values/.items/"
                              "string tests are allowed")
        for keyword in node.keywords:
            if keyword.arg is None:
                self.refuse(node, "**keyword unpacking is not allowed")
        for child in [*node.args, *(k.value for k in node.keywords)]:
            self.visit(child)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bytes) or node.value is Ellipsis:
            self.refuse(node, "this literal is not allowed")


class Condition:
    """A checked condition; call it with a state to get ``True`` or ``False``."""

    def __init__(self, text: str, code: Any) -> None:
        self.text = text
        self._code = code

    @classmethod
    def compile(cls, text: str) -> "Condition":
        """Check ``text`` against the whitelist; raises :class:`ConditionError` when it fails."""
        if not isinstance(text, str) or not text.strip():
            raise ConditionError(f"a condition must be a non-empty expression, got {text!r}")
        try:
            tree = ast.parse(text.strip(), "<condition>", mode="eval")
        except SyntaxError as exc:
            raise ConditionError(f"condition {text!r} is not a Python expression: {exc.msg}"
                                 f"{_javascript_hint(text)}") from None
        _Checker(text).visit(tree)
        return cls(text, compile(tree, "<condition>", "eval"))

    def __call__(self, state: Any) -> bool:
        scope = {"__builtins__": {}, **SAFE_FUNCTIONS, "state": state}
        return bool(eval(self._code, scope))  # noqa: S307 - the tree was checked above

    def __repr__(self) -> str:
        return f"Condition({self.text!r})"
