"""Lazy references into state: ``S`` (OpenFn's ``$``) and plain callables.

Every operation resolves its arguments against the current state at run time, at any
depth of dicts, lists and tuples::

    >>> from asana_adaptor.runtime.references import S, resolve
    >>> state = {"data": {"body": {"name": "Ada"}, "items": [10, 20]}}
    >>> resolve({"who": S.data.body.name, "first": S.data["items"][0],
    ...          "n": lambda s: len(s["data"]["items"])}, state)
    {'who': 'Ada', 'first': 10, 'n': 2}
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["S", "StatePath", "resolve", "is_lazy"]


class StatePath:
    """A path into state, read when the operation runs (``S.data.items[0]``)."""

    __slots__ = ("_path",)
    _path: tuple[Any, ...]

    def __init__(self, path: tuple[Any, ...] = ()) -> None:
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str) -> "StatePath":
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return StatePath(self._path + (name,))

    def __getitem__(self, key: Any) -> "StatePath":
        return StatePath(self._path + (key,))

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError("a state path is read-only; use fn(...) to change state")

    def __call__(self, state: Any) -> Any:
        return self.resolve(state)

    def resolve(self, state: Any) -> Any:
        """Read this path from ``state``; a missing key gives ``None``.

        Reading *through* ``None`` is an error that names the path, as in JavaScript.
        """
        value = state
        for depth, key in enumerate(self._path):
            if value is None:
                raise LookupError(
                    f"cannot read {_describe(self._path[depth:depth + 1])} of "
                    f"{_describe(self._path[:depth])}: it is None"
                )
            value = _step(value, key)
        return value

    def __repr__(self) -> str:
        return _describe(self._path)

    def __eq__(self, other: object) -> bool:  # pragma: no cover - identity semantics
        return isinstance(other, StatePath) and other._path == self._path

    def __hash__(self) -> int:
        return hash(self._path)


def _step(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, (list, tuple, str)):
        if isinstance(key, (int, slice)):
            try:
                return value[key]
            except IndexError:
                return None
        return None
    return getattr(value, key, None) if isinstance(key, str) else None


def _describe(path: tuple[Any, ...]) -> str:
    out = "S"
    for key in path:
        out += f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"
    return out


S = StatePath()
"""The root of state. ``S.data.name`` reads ``state["data"]["name"]`` at run time."""


def is_lazy(value: Any) -> bool:
    """True for a value that ``resolve`` would compute from state (a path or a function)."""
    if isinstance(value, StatePath):
        return True
    return _is_state_function(value)


def _is_state_function(value: Any) -> bool:
    if not callable(value) or isinstance(value, type):
        return False
    # Operations are not lazy values: they are run, not resolved.
    from .operation import Operation

    if isinstance(value, Operation):
        return False
    return True


def resolve(value: Any, state: Any) -> Any:
    """Resolve lazy references in ``value`` against ``state``, at any depth.

    A :class:`StatePath` is read from state; a function is called with state (its result is
    not resolved further, as in OpenFn's ``expandReferences``); dicts, lists and tuples are
    walked; anything else is returned unchanged.
    """
    if isinstance(value, StatePath):
        return value.resolve(state)
    if isinstance(value, dict):
        return {k: resolve(v, state) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, state) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve(v, state) for v in value)
    if isinstance(value, (str, int, float, bool, bytes)) or value is None:
        return value
    if _is_state_function(value):
        return value(state)
    return value


Resolvable = Any
StateFunction = Callable[[dict], Any]
