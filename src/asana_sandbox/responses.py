"""Response bodies: the ``{"data": ...}`` envelope, pretty printing, offset pagination."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

from .errors import TOO_LARGE_MESSAGE, BadRequest, invalid

_TOKEN_KEY = b"asana-sandbox-pagination"
_HEADER = base64.urlsafe_b64encode(b'{"typ":"JWT","alg":"HS256"}').rstrip(b"=").decode()


class Reply:
    """What a handler returns: a status, a JSON body and extra headers."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


# Bodies are trees built per response (views may be shared, never cyclic): skipping the
# circular-reference check saves a sixth of the encoding time of a large page.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
_PRETTY = json.JSONEncoder(indent=2, ensure_ascii=False, check_circular=False)


def encode_json(body: Any, pretty: bool = False) -> bytes:
    """The UTF-8 JSON of a body; indented for ``opt_pretty``."""
    return (_PRETTY if pretty else _COMPACT).encode(body).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_offset(position: int, path: str) -> str:
    """An opaque, signed offset token (JWT-looking, as Asana's are)."""
    payload = _b64(json.dumps({"o": position, "p": path}, separators=(",", ":")).encode())
    signing = f"{_HEADER}.{payload}".encode()
    signature = _b64(hmac.new(_TOKEN_KEY, signing, hashlib.sha256).digest()[:16])
    return f"{_HEADER}.{payload}.{signature}"


def read_offset(token: str, path: str) -> int:
    """The position a token stands for; 400 when it was not issued for this list."""
    problem = invalid("offset", "Your pagination token is invalid. Use the offset from the "
                      "next_page of a previous response to this request.")
    try:
        header, payload, signature = token.split(".")
        signing = f"{header}.{payload}".encode()
        expected = _b64(hmac.new(_TOKEN_KEY, signing, hashlib.sha256).digest()[:16])
        if not hmac.compare_digest(expected, signature):
            raise problem
        document = json.loads(_unb64(payload))
        position = document["o"]
    except BadRequest:
        raise
    except Exception:
        raise problem from None
    if document.get("p") != path or not isinstance(position, int) or position < 0:
        raise problem
    return position


def paginate(items: list[Any], *, path: str, query: dict[str, str], limit: int | None,
             offset: str | None, base_url: str, max_unpaginated: int,
             page_size: int | None = None) -> tuple[list[Any], dict[str, Any] | None, bool]:
    """(page items, next_page, paginated?) for a list endpoint.

    Without ``limit`` the whole list is returned (no ``next_page``), unless it is larger than
    ``max_unpaginated``: then Asana's "result is too large" 400.
    """
    start = read_offset(offset, path) if offset else 0
    if limit is None:
        if offset is None and len(items) > max_unpaginated:
            raise BadRequest(TOO_LARGE_MESSAGE)
        if page_size is None:
            return items[start:], None, False
        limit = page_size
    size = min(limit, page_size) if page_size else limit
    end = start + size
    page = items[start:end]
    if end >= len(items):
        return page, None, True
    token = make_offset(end, path)
    params = {k: v for k, v in query.items() if k not in ("offset", "limit")}
    params["limit"] = str(limit)
    params["offset"] = token
    relative = f"{path}?{urlencode(params)}"
    return page, {"offset": token, "path": relative, "uri": f"{base_url}/api/1.0{relative}"}, True
