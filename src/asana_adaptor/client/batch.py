"""The Batch API: up to 10 actions per ``POST /batch``, with a result per action.

    results = await client.batch([
        {"method": "get", "relative_path": "/tasks/1", "options": {"fields": ["name"]}},
        {"method": "put", "relative_path": "/tasks/2", "data": {"completed": True}},
    ])
    [r.status_code for r in results]   # [200, 200]; a failed action has r.error set

Chunks are sent concurrently (within the rate limiter) and results keep the actions' order.
When a whole chunk fails (e.g. a dropped connection), its actions get that error as their
result; only when every chunk fails is the error raised.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .errors import AsanaError, InvalidRequestError, error_from_response
from .response import BatchResult

if TYPE_CHECKING:
    from .client import AsanaClient

__all__ = ["BATCH_SIZE", "run_batch"]

BATCH_SIZE = 10
_METHODS = {"get", "post", "put", "delete", "patch", "head"}


def _check(index: int, action: Any) -> dict:
    where = f"batch action {index}"
    if not isinstance(action, Mapping):
        raise InvalidRequestError(f"{where} must be an object, got {type(action).__name__}",
                                  method="POST", path="/batch",
                                  hint='Write actions like {"method": "get", "relative_path": "/tasks/1"}.')
    method = str(action.get("method", "")).lower()
    path = action.get("relative_path")
    if method not in _METHODS:
        raise InvalidRequestError(f"{where} has method {action.get('method')!r}",
                                  method="POST", path="/batch",
                                  hint=f"Use one of {', '.join(sorted(_METHODS))}.")
    if not isinstance(path, str) or not path.startswith("/") or "?" in path:
        raise InvalidRequestError(
            f"{where} has relative_path {path!r}", method="POST", path="/batch",
            hint='Use a path relative to the API without a query, like "/tasks/1"; put query '
                 'parameters in "data" (GET) or "options".')
    return {**dict(action), "method": method}


def _result(action: dict, item: Any) -> BatchResult:
    item = item if isinstance(item, Mapping) else {}
    status = int(item.get("status_code") or 0)
    headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
    body = item.get("body")
    data = body.get("data") if isinstance(body, Mapping) else None
    error = None
    if status >= 400 or status == 0:
        error = error_from_response(status or 502, body if status else
                                    {"errors": [{"message": "no result for this action"}]},
                                    method=action["method"].upper(),
                                    path=action["relative_path"], headers=headers)
    return BatchResult(status, headers, body, data, error, action)


async def _chunk(client: "AsanaClient", actions: list[dict]) -> list[BatchResult]:
    safe = all(a["method"] in ("get", "head") for a in actions)
    response = await client._call("POST", "/batch", data={"actions": actions},
                                  retry_writes=safe, cost=len(actions))
    items = response.data if isinstance(response.data, list) else []
    return [_result(a, items[i] if i < len(items) else None) for i, a in enumerate(actions)]


async def run_batch(client: "AsanaClient", actions: Sequence[Mapping]) -> list[BatchResult]:
    """Send ``actions`` through the Batch API; one :class:`BatchResult` per action, in order."""
    checked = [_check(i, a) for i, a in enumerate(actions)]
    if not checked:
        return []
    chunks = [checked[i:i + BATCH_SIZE] for i in range(0, len(checked), BATCH_SIZE)]
    outcomes = await asyncio.gather(*(_chunk(client, c) for c in chunks), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in failures:
        if not isinstance(failure, AsanaError):
            raise failure
    if len(failures) == len(chunks):
        raise failures[0]
    results: list[BatchResult] = []
    for chunk, outcome in zip(chunks, outcomes):
        if isinstance(outcome, AsanaError):
            results.extend(BatchResult(outcome.status or 0, {}, outcome.body, None, outcome, a)
                           for a in chunk)
        else:
            results.extend(outcome)
    return results
