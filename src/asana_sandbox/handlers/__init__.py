"""Request handlers, one module per resource; each module exposes a ``routes`` list."""

from __future__ import annotations

from typing import Any

from ..errors import missing
from ..parsing import as_gid, parse_bool


def query_gid(query: dict[str, str], name: str, required: bool = False) -> str | None:
    value = query.get(name)
    if value is None or value == "":
        if required:
            raise missing(name)
        return None
    return as_gid(value, name)


def query_bool(query: dict[str, str], name: str) -> bool | None:
    return parse_bool(query[name], name) if name in query else None


def body_gid(data: dict[str, Any], name: str) -> str:
    if data.get(name) is None:
        raise missing(name)
    return as_gid(data[name], name)
