"""How records look on the wire: compact vs full views, nested references, ``opt_fields``.

Each resource type is a :class:`Kind`: its compact fields (lists, nested references), its full
fields (get/create/update), its opt-in fields (only when asked for) and getters for fields that
are computed. A getter receives ``(backend, record)`` and may return :class:`Ref` objects for
references to other records; rendering turns a ``Ref`` into that record's compact view, or into
the projection asked for by a dotted ``opt_fields`` path (``assignee.email``). Only the fields
that are rendered are computed, so a 100-task page with three fields stays cheap.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

Getter = Callable[[Any, dict[str, Any]], Any]


OMIT = object()  # a getter returns this to leave the field out of the view


class Ref:
    """A reference to another record, rendered as its compact view or a projection of it."""

    __slots__ = ("kind", "gid")

    def __init__(self, kind: str, gid: str) -> None:
        self.kind = kind
        self.gid = gid

    def __repr__(self) -> str:
        return f"Ref({self.kind!r}, {self.gid!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ref) and other.kind == self.kind and other.gid == self.gid

    def __hash__(self) -> int:
        return hash((self.kind, self.gid))


class Rendered(list):
    """An already rendered list (shared, read-only): used as is unless a projection applies."""

    __slots__ = ()


class Final(list):
    """A list already rendered for the current projection: used as is."""

    __slots__ = ()


def ref(kind: str, gid: str | None) -> Ref | None:
    """``Ref(kind, gid)`` or None when ``gid`` is None."""
    return Ref(kind, gid) if gid else None


def refs(kind: str, gids: Iterable[str]) -> list[Ref]:
    return [Ref(kind, gid) for gid in gids]


class Kind:
    """The wire shape of one resource type."""

    def __init__(self, name: str, compact: Iterable[str], full: Iterable[str],
                 optin: Iterable[str] = (), getters: dict[str, Getter] | None = None,
                 nested: Iterable[str] | None = None, drop_null: Iterable[str] = (),
                 projected: dict[str, Callable[[Any, dict[str, Any], dict[str, Any]], Any]]
                 | None = None) -> None:
        self.name = name
        # getters that take the projection too (``custom_fields.name``), to build less
        self.projected = dict(projected or {})
        self.drop_null = frozenset(drop_null)  # fields left out instead of rendered as null
        self.compact = tuple(compact)
        self.full = tuple(full)
        self.optin = tuple(optin)
        self.nested = tuple(nested) if nested is not None else self.compact
        self.getters: dict[str, Getter] = dict(getters or {})
        self.known = frozenset(self.full) | frozenset(self.optin) | frozenset(self.getters)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def _field(backend: Any, kind: Kind, record: dict[str, Any], name: str) -> Any:
    if name == "resource_type":
        return kind.name
    getter = kind.getters.get(name)
    value = getter(backend, record) if getter is not None else record.get(name)
    if value is None and name in kind.drop_null:
        return OMIT
    return value


def render(backend: Any, kind_name: str, record: dict[str, Any], fields: dict[str, Any] | None,
           *, compact: bool = False) -> dict[str, Any]:
    """The wire view of ``record``: ``fields`` (an opt_fields tree) if given, else compact/full."""
    kind = KINDS[kind_name]
    if fields:
        return _project(backend, _plan(kind, fields), record)
    out = {}
    for name in kind.compact if compact else kind.full:
        value = _field(backend, kind, record, name)
        if value is not OMIT:
            out[name] = _value(backend, value, None)
    return out


def render_list(backend: Any, kind_name: str, records: Iterable[dict[str, Any]],
                fields: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Compact views (or ``fields`` projections) of ``records``, as a list endpoint shows them.

    The projection is worked out once for the whole list, and while the list renders
    ``backend.render_memo`` holds the views of referenced records (the assignee, a section...),
    so each is built once per response, not once per record.
    """
    if not fields:
        return [render(backend, kind_name, record, None, compact=True) for record in records]
    kind = KINDS[kind_name]
    steps = _plan(kind, fields)
    backend.render_memo = {}
    try:
        return [_project(backend, steps, record) for record in records]
    finally:
        backend.render_memo = None


# one requested field: (name, how to get it, its getter or constant, sub-fields, drop if null)
_Step = tuple[str, int, Any, dict[str, Any], bool]
_CONSTANT, _PROJECTED, _GETTER, _STORED = range(4)


def _plan(kind: Kind, fields: dict[str, Any]) -> list[_Step]:
    steps: list[_Step] = []
    for name, sub in fields.items():
        if name == "resource_type":
            steps.append((name, _CONSTANT, kind.name, sub, False))
        elif name == "gid" or name not in kind.known:
            continue
        elif sub and name in kind.projected:
            steps.append((name, _PROJECTED, kind.projected[name], sub, False))
        elif name in kind.getters:
            steps.append((name, _GETTER, kind.getters[name], sub, name in kind.drop_null))
        else:
            steps.append((name, _STORED, None, sub, name in kind.drop_null))
    return steps


def _project(backend: Any, steps: list[_Step], record: dict[str, Any]) -> dict[str, Any]:
    out = {"gid": record["gid"]}
    for name, how, getter, sub, drop_null in steps:
        if how == _STORED:
            value = record.get(name)
        elif how == _GETTER:
            value = getter(backend, record)
        elif how == _PROJECTED:
            value = getter(backend, record, sub)
        else:
            out[name] = getter
            continue
        if value is None:
            if not drop_null:
                out[name] = None
        elif value is not OMIT:
            out[name] = value if type(value) in _SCALARS else _value(backend, value, sub)
    return out


def render_nested(backend: Any, reference: Ref, fields: dict[str, Any] | None) -> dict[str, Any]:
    """A referenced record: its nested compact view, or the projection ``fields``."""
    memo = backend.render_memo
    if memo is not None and fields:
        key = (reference.kind, reference.gid, id(fields))
        view = memo.get(key)
        if view is None:
            view = memo[key] = _render_nested(backend, reference, fields)
        return view
    return _render_nested(backend, reference, fields)


def _render_nested(backend: Any, reference: Ref, fields: dict[str, Any] | None) -> dict[str, Any]:
    kind = KINDS.get(reference.kind)
    record = backend.tables[reference.kind].get(reference.gid) if kind else None
    if record is None:
        return {"gid": reference.gid, "resource_type": reference.kind}
    if fields:
        return render(backend, reference.kind, record, fields)
    return {
        name: _value(backend, _field(backend, kind, record, name), None) for name in kind.nested
    }


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _value(backend: Any, value: Any, fields: dict[str, Any] | None) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Ref:
        return render_nested(backend, value, fields)
    if kind is Final or kind is Rendered and not fields:
        return value
    if isinstance(value, list):
        return [_value(backend, item, fields) for item in value]
    if isinstance(value, dict):
        if fields:
            out = {"gid": value["gid"]} if "gid" in value else {}
            for name, sub in fields.items():
                if name in value and name != "gid":
                    out[name] = _value(backend, value[name], sub)
            return out
        return {name: _value(backend, item, None) for name, item in value.items()}
    return value
