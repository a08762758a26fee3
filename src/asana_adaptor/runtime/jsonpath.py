"""JSONPath over state, with jsonpath-ng's extended syntax (filters, ``len``, arithmetic).

>>> query({"rows": [{"n": 1}, {"n": 2}]}, "$.rows[*].n")
[1, 2]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonpath_ng.ext import parse as _parse_jsonpath

__all__ = ["compile_jsonpath", "query"]


@lru_cache(maxsize=256)
def compile_jsonpath(path: str) -> Any:
    """The parsed path (cached); a malformed path raises ``ValueError`` naming it."""
    try:
        return _parse_jsonpath(path)
    except Exception as exc:  # jsonpath-ng raises several types for bad syntax
        raise ValueError(f"invalid JSONPath {path!r}: {exc}") from None


def query(value: Any, path: str) -> list[Any]:
    """Every value at ``path`` in ``value``, in document order."""
    return [match.value for match in compile_jsonpath(path).find(value)]
