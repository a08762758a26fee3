"""Compiling a job file: top-level expressions handed to a collector, the result cached.

Each top-level expression statement ``expr`` is rewritten as ``COLLECT(expr, line)``, and an
expression statement inside a top-level block (``if``, ``for``, ``with``...) as
``NESTED(expr, line)``; the loader binds both names (see ``jobfile.compile_job``). The
compiled code is kept in ``__pycache__`` beside the job and reused while the source is the
same, as Python does for modules: parsing dominates the cost of loading a long job.
"""

from __future__ import annotations

import ast
import hashlib
import marshal
import os
import re
import sys
from pathlib import Path
from types import CodeType

from .exitcodes import ExitCode, RunError

__all__ = ["COLLECT", "NESTED", "cached_code", "job_code", "syntax_error"]

COLLECT = "__asana_adaptor_operation__"
NESTED = "__asana_adaptor_nested__"
_CACHE_FORMAT = "asana-adaptor job 4"


def syntax_error(exc: SyntaxError, display: str) -> RunError:
    """``job.py:LINE: SyntaxError: message (column N)`` as a JOB_INVALID error."""
    col = f" (column {exc.offset})" if exc.offset else ""
    return RunError(f"{display}:{exc.lineno}: SyntaxError: {exc.msg}{col}"
                    f"{_javascript_hint(exc.text or '')}", ExitCode.JOB_INVALID)


def _javascript_hint(line: str) -> str:
    """A hint when the failing line looks like OpenFn's JavaScript rather than Python."""
    hints = []
    if "=>" in line:
        hints.append("`state => ...` is JavaScript: write `lambda state: ...`")
    if "$." in line or "$[" in line:
        hints.append("`$.data` is JavaScript: write `S.data`")
    if re.match(r"\s*as\s*\(", line):
        hints.append("`as` is a Python keyword: write `as_(key, operation)`")
    if line.lstrip().startswith("//"):
        hints.append("`//` starts a JavaScript comment: write `#`")
    return f"; {'; '.join(hints)}" if hints else ""


def _hand_to(name: str, node: ast.Expr) -> None:
    """Rewrite the statement ``value`` as ``name(value, line)``."""
    value = node.value
    at = {"lineno": value.lineno, "col_offset": value.col_offset,
          "end_lineno": value.end_lineno, "end_col_offset": value.end_col_offset}
    node.value = ast.Call(func=ast.Name(name, ast.Load(), **at),
                          args=[value, ast.Constant(node.lineno, **at)], keywords=[], **at)


class _BlockExpressions(ast.NodeVisitor):
    """Expression statements inside top-level blocks (``if``, ``for``, ``with``...), where an
    operation would be made and thrown away; function and class bodies are left alone."""

    def __init__(self) -> None:
        self.found: list[ast.Expr] = []

    def visit_Expr(self, node: ast.Expr) -> None:
        self.found.append(node)

    def visit_FunctionDef(self, node: ast.AST) -> None:
        pass

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef


def job_code(source: str, filename: str, display: str) -> CodeType:
    """The job compiled so that each top-level expression hands its value to the collector
    (and an expression inside a top-level block to a check that it is not an operation)."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        raise syntax_error(exc, display) from None
    body: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.Assert):
            if isinstance(node.test, ast.Tuple):
                what = ("`assert(condition, message)` is Python's assert statement, which always "
                        "passes here")
            else:
                what = ("a top-level `assert` runs once while the file loads, before there is any "
                        "state (and `S...` or a lambda is always true)")
            raise RunError(f"{display}:{node.lineno}: {what}; write the operation "
                           "`assert_(condition, message)`", ExitCode.JOB_INVALID)
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                continue  # a docstring
            _hand_to(COLLECT, node)
        else:
            blocks = _BlockExpressions()
            blocks.visit(node)
            for nested in blocks.found:
                _hand_to(NESTED, nested)
        body.append(node)
    try:
        return compile(ast.Module(body, type_ignores=[]), filename, "exec")
    except SyntaxError as exc:  # e.g. `return` outside a function
        raise syntax_error(exc, display) from None


def _cache_file(file: Path) -> Path:
    tag = sys.implementation.cache_tag or "python"
    return file.parent / "__pycache__" / f"{file.stem}.asana-adaptor.{tag}.bin"


def cached_code(file: Path, source: str, filename: str, display: str, write: bool
                 ) -> CodeType:
    """The compiled job, from ``__pycache__`` when the source has not changed (as Python does
    for modules): parsing dominates the cost of loading a long job."""
    key = hashlib.sha256(f"{_CACHE_FORMAT}\0{filename}\0{source}".encode()).digest()
    cache = _cache_file(file)
    try:
        stored_key, code = marshal.loads(cache.read_bytes())
        if stored_key == key and isinstance(code, CodeType):
            return code
    except (OSError, EOFError, ValueError, TypeError):
        pass
    code = job_code(source, filename, display)
    if write:
        try:
            cache.parent.mkdir(exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps((key, code)))
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only folder: compile every time
    return code
