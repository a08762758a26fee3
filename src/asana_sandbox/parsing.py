"""Request parsing, kept apart from the backend.

Asana accepts JSON bodies ``{"data": {...}, "options": {...}}``, form bodies with fields at the
top level and options written ``opt_*``, multipart bodies (attachments) and query parameters.
All of them end up in one :class:`ParsedRequest`: ``data`` (the fields), ``query`` (the query
string), ``files`` (uploads) and the options (``fields``, ``pretty``, ``limit``, ``offset``).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from .errors import BadRequest, invalid, missing

_GROUP = re.compile(r"\(([^()]*)\)")


class UploadedFile:
    """A file from a multipart body."""

    __slots__ = ("filename", "content_type", "content")

    def __init__(self, filename: str, content_type: str, content: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.content = content


class ParsedRequest:
    """One API request, parsed: what handlers read."""

    __slots__ = ("method", "path", "query", "query_string", "data", "options", "files",
                 "base_url", "token")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        query_string: str = "",
        data: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
        files: dict[str, UploadedFile] | None = None,
        base_url: str = "",
        token: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query or {}
        self.query_string = query_string
        self.data = data if data is not None else {}
        self.options = options or {}
        self.files = files or {}
        self.base_url = base_url
        self.token = token

    @property
    def fields(self) -> dict[str, Any] | None:
        """The opt_fields tree, or None when no opt_fields were given."""
        return self.options.get("fields")

    @property
    def pretty(self) -> bool:
        return bool(self.options.get("pretty"))

    @property
    def limit(self) -> int | None:
        return self.options.get("limit")

    @property
    def offset(self) -> str | None:
        return self.options.get("offset")


def parse_query(query_string: str) -> dict[str, str]:
    """Query parameters (last value wins); a bare ``?opt_pretty`` gives ``""``."""
    if not query_string:
        return {}
    return dict(parse_qsl(query_string, keep_blank_values=True))


def parse_fields(value: Any) -> dict[str, Any]:
    """``"name,assignee.email,this.(a|b).c"`` -> ``{"name": {}, "assignee": {"email": {}}}``."""
    if isinstance(value, str):
        entries = value.split(",")
    elif isinstance(value, (list, tuple)):
        entries = [str(v) for v in value]
    else:
        raise invalid("opt_fields", "Must be a comma-separated list of field names")
    tree: dict[str, Any] = {}
    for entry in entries:
        for path in _expand(entry.strip()):
            node = tree
            parts = [p for p in path.split(".") if p]
            if parts and parts[0] == "this":
                parts = parts[1:]
            for part in parts:
                node = node.setdefault(part, {})
    return tree


def _expand(entry: str) -> list[str]:
    match = _GROUP.search(entry)
    if not match:
        return [entry] if entry else []
    out: list[str] = []
    for alternative in match.group(1).split("|"):
        out.extend(_expand(entry[: match.start()] + alternative + entry[match.end():]))
    return out


def parse_bool(value: Any, param: str) -> bool:
    """``true``/``false`` (any case), or a JSON bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", ""):
            return True
        if lowered in ("false", "0"):
            return False
    raise invalid(param, f"Not a boolean: {value}")


def parse_options(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """Normalise options from query ``opt_*``/``limit``/``offset`` or a body ``options`` object."""
    options: dict[str, Any] = {}
    fields = raw.get("fields") if source == "body" else raw.get("opt_fields")
    if fields is not None:
        options["fields"] = parse_fields(fields)
    pretty = raw.get("pretty") if source == "body" else raw.get("opt_pretty")
    if pretty is not None:
        options["pretty"] = parse_bool(pretty, "opt_pretty")
    if raw.get("limit") is not None:
        options["limit"] = parse_limit(raw["limit"])
    if raw.get("offset") is not None:
        options["offset"] = str(raw["offset"])
    return options


def parse_limit(value: Any) -> int:
    """``limit``: an integer from 1 to 100, else 400."""
    try:
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError):
        raise invalid("limit", f"Not a valid integer: {value}") from None
    if not 1 <= number <= 100:
        raise invalid("limit", "Must be between 1 and 100 inclusive")
    return number


def parse_json_body(body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data, options) from a JSON body; 400 when it does not parse or is not an object."""
    if not body.strip():
        return {}, {}
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("Could not parse request data, invalid JSON") from None
    if not isinstance(document, dict):
        raise BadRequest("Request data must be a JSON object with a data property")
    data = document.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise invalid("data", "Must be a JSON object")
    options = document.get("options") or {}
    if not isinstance(options, dict):
        raise invalid("options", "Must be a JSON object")
    return data, parse_options(options, "body")


_FORM_OPTIONS = ("opt_fields", "opt_pretty", "limit", "offset")


def parse_form_items(items: list[tuple[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data, options) from form fields; repeated keys become lists, ``opt_*`` become options."""
    data: dict[str, Any] = {}
    raw_options: dict[str, Any] = {}
    for key, value in items:
        target = raw_options if key in _FORM_OPTIONS else data
        if key.endswith("[]"):
            key = key[:-2]
            target.setdefault(key, []).append(value)
        elif key in target:
            previous = target[key]
            target[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            target[key] = value
    return data, parse_options(raw_options, "query")


def as_list(value: Any, param: str) -> list[Any]:
    """A list from a JSON array, a comma-separated string (forms, queries) or one value."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (int, float)):
        return [str(value)]
    raise invalid(param, "Must be an array of identifiers")


def require(data: dict[str, Any], name: str) -> Any:
    """The value of a required field, else ``"<name>: Missing input"``."""
    value = data.get(name)
    if value is None or value == "":
        raise missing(name)
    return value


def as_gid(value: Any, param: str) -> str:
    """A gid-like string (a string or an integer), else 400."""
    if isinstance(value, bool) or value is None:
        raise invalid(param, f"Not a valid gid: {value}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("gid"), str):
        return value["gid"]
    raise invalid(param, f"Not a valid gid: {value}")


def as_str(value: Any, param: str, *, allow_none: bool = False) -> str | None:
    """A string field (numbers are accepted and stringified)."""
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise invalid(param, f"Must be a string, got {type(value).__name__}")
