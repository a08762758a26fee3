"""Common operations that build values: lazy reads of state (JSONPath or paths), fields and
chunks. None of them changes state; an operation resolves them when it runs.

>>> data_value("form.name")({"data": {"form": {"name": "Ada"}}})
'Ada'
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .jsonpath import compile_jsonpath, query
from .operation import State
from .references import StatePath, is_lazy, resolve

__all__ = ["Lazy", "chunk", "data_path", "data_value", "field", "fields", "items_of",
           "last_reference_value", "merge", "source_value"]


class Lazy:
    """A value computed from state when an operation runs (``data_value("name")``)."""

    __slots__ = ("_compute", "_text")

    def __init__(self, compute: Callable[[State], Any], text: str) -> None:
        self._compute = compute
        self._text = text

    def __call__(self, state: State) -> Any:
        return self._compute(state)

    def __repr__(self) -> str:
        return self._text


def items_of(source: Any, state: State, where: str) -> list[Any]:
    """The list ``source`` names: a JSONPath string (every match), or a lazy value or list."""
    if isinstance(source, str):
        return query(state, source)
    items = resolve(source, state)
    if isinstance(items, (list, tuple)):
        return list(items)
    raise TypeError(
        f"{where}: the source {source!r} gave {type(items).__name__}, expected a list "
        "(pass a state path such as S.data.items, a JSONPath string, or a list)"
        + (_missing_key(source, state) if items is None else "")
    )


def _missing_key(source: Any, state: State) -> str:
    """``; S.data has no key 'itemz' (its keys: items)`` when a state path names a missing key."""
    if not isinstance(source, StatePath) or not source._path:
        return ""
    parent_path = StatePath(source._path[:-1])
    parent, last = parent_path.resolve(state), source._path[-1]
    if not isinstance(parent, dict) or last in parent:
        return ""
    keys = ", ".join(map(str, list(parent)[:20])) or "none"
    return f"; {parent_path!r} has no key {last!r} (its keys: {keys})"


def field(key: str, value: Any) -> tuple[str, Any]:
    """A ``(key, value)`` pair for :func:`fields`.

    Example::

        create_task(fields(field("name", S.data.title), field("projects", [S.project])))
    """
    return (key, value)


def fields(*pairs: tuple[str, Any]) -> dict[str, Any]:
    """A dict from :func:`field` pairs; its values resolve when an operation uses it.

    Example::

        update_task(S.data.gid, fields(field("name", S.data.title), field("completed", False)))
    """
    return dict(pairs)


def merge(source: Any, extra: Any) -> Lazy:
    """A lazy list: each object of ``source`` with the fields of ``extra`` added.

    ``source`` is a JSONPath string or a state path/function giving a list.

    Example::

        each(merge(S.data.rows, fields(field("project", S.project))),
             log(S.data.name, "goes to", S.data.project))
    """

    def compute(state: State) -> list[Any]:
        additions = resolve(extra, state)
        return [{**item, **additions} for item in items_of(source, state, "merge()")]

    return Lazy(compute, f"merge({source!r}, {extra!r})")


def data_path(path: str) -> str:
    """The JSONPath of ``path`` inside ``data``: ``data_path("a.b")`` is ``"$.data.a.b"``.

    Example::

        log("name:", source_value(data_path("form.name")))   # "$.data.form.name"
    """
    clean = re.sub(r"^\$\.?", "", path.strip())
    return f"$.data.{clean}" if clean else "$.data"


def source_value(path: str) -> Lazy:
    """The first value at a JSONPath in state (``None`` when nothing matches).

    Example::

        fn_if(source_value("$.data.form.consent"), log("consented"))
    """
    compile_jsonpath(path)  # a bad path fails where the job wrote it

    def compute(state: State) -> Any:
        found = query(state, path)
        return found[0] if found else None

    return Lazy(compute, f"source_value({path!r})")


def data_value(path: str) -> Lazy:
    """The first value at ``path`` inside ``data`` (``data_value("form.name")``).

    Example::

        log("reporter:", data_value("form.reporter"))
    """
    full = data_path(path)
    inner = source_value(full)
    return Lazy(inner, f"data_value({path!r})")


def last_reference_value(path: str) -> Lazy:
    """The first value at a JSONPath in the last entry of ``references``.

    Example::

        log("previous name:", last_reference_value("$.name"))
    """
    compile_jsonpath(path)

    def compute(state: State) -> Any:
        references = state.get("references") or []
        if not references:
            return None
        found = query(references[-1], path)
        return found[0] if found else None

    return Lazy(compute, f"last_reference_value({path!r})")


def chunk(items: Any, size: Any) -> Any:
    """Split a list into lists of at most ``size`` items.

    With plain values it returns the chunks at once (``chunk([1, 2, 3], 2)`` is
    ``[[1, 2], [3]]``); with a lazy argument it returns a lazy value for an operation to
    resolve.

    Example::

        each(chunk(S.data.rows, 50), log(S.data))    # 50 rows at a time
    """

    def compute(state: Any) -> list[list[Any]]:
        values, n = resolve(items, state), resolve(size, state)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"chunk(): size must be a positive integer, got {n!r}")
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"chunk(): expected a list, got {type(values).__name__}")
        return [list(values[i:i + n]) for i in range(0, len(values), n)]

    if is_lazy(items) or is_lazy(size):
        return Lazy(compute, f"chunk({items!r}, {size!r})")
    return compute({})
