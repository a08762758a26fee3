"""The Batch API: ``POST /batch`` with up to 10 actions, each run through the normal handlers.

``{"data": {"actions": [{"relative_path", "method", "data"?, "options"?}, ...]}}`` answers 200
with ``{"data": [{"status_code", "headers", "body"}, ...]}`` in the order of the actions; an
action's failure is its own ``status_code``/``body``, never the batch's. Zero actions or more
than ten is a 400. Attachment uploads and nested batches are refused per action (400). Every
action counts as one request against the token's rate limits; if one would be refused, the
whole batch is answered 429.

>>> action = {"relative_path": "/users/me", "method": "get", "options": {"fields": ["name"]}}
>>> _action_request(action, 0, "http://sandbox.local", "token").query
{}
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from .errors import AsanaError, BadRequest, invalid, missing
from .parsing import ParsedRequest, parse_options
from .responses import Reply
from .routing import Call, Route

MAX_ACTIONS = 10
METHODS = ("get", "post", "put", "delete", "patch", "head")
RESULT_FIELDS = ("status_code", "headers", "body")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_query_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return "" if value is None else str(value)


def _refusal(method: str, path: str) -> str | None:
    """Why an action may not run inside a batch, if it may not."""
    segments = [part for part in path.strip("/").split("/") if part]
    if segments[:1] == ["batch"]:
        return "Batch requests cannot be nested"
    if method == "POST" and segments and segments[-1] == "attachments":
        return "Attachments cannot be uploaded in a batch request; use POST /attachments"
    if segments[:1] in (["organization_exports"], ["scim"]):
        return f"/{segments[0]} is not available in a batch request"
    return None


def _action_request(action: Any, index: int, base_url: str, token: str | None) -> ParsedRequest:
    """The request an action stands for; 400 (for that action) when it is malformed."""
    where = f"actions[{index}]"
    if not isinstance(action, dict):
        raise invalid(where, "Must be an object with relative_path and method")
    path = action.get("relative_path")
    if path in (None, ""):
        raise missing(f"{where}.relative_path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise invalid(f"{where}.relative_path", "Must be a path starting with /, like /tasks/123")
    if "?" in path:
        raise invalid(f"{where}.relative_path",
                      "Query parameters are not accepted here; put them in data")
    if path.startswith("/api/1.0/"):
        path = path[len("/api/1.0"):]
    method = action.get("method")
    if method in (None, ""):
        raise missing(f"{where}.method")
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise invalid(f"{where}.method", f"Must be one of {', '.join(METHODS)}")
    method = method.upper()
    refusal = _refusal(method, path)
    if refusal:
        raise BadRequest(f"{where}: {refusal}")
    data = action.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise invalid(f"{where}.data", "Must be an object")
    raw_options = action.get("options")
    if raw_options is None:
        raw_options = {}
    if not isinstance(raw_options, dict):
        raise invalid(f"{where}.options", "Must be an object")
    if "pretty" in raw_options:
        raise invalid(f"{where}.options.pretty",
                      "Not allowed on an action; set opt_pretty on the batch request")
    options = parse_options(raw_options, "body")
    if method in ("GET", "HEAD", "DELETE"):
        query = {key: _query_value(value) for key, value in data.items()}
        return ParsedRequest(method, path, query=query, options=options, base_url=base_url,
                             token=token)
    return ParsedRequest(method, path, data=data, options=options, base_url=base_url, token=token)


def _count(api: Any, call: Call, requests: list[ParsedRequest | None]) -> list[bool]:
    """Count each action against the token's limits (429 for the whole batch if one fails).

    Returns, per action, whether a concurrency slot was taken (to release afterwards).
    """
    token = call.request.token
    taken: list[bool] = [False] * len(requests)
    if not api.settings.rate_limits or token is None:
        return taken
    quota = api.quota_for(call.user_gid)
    try:
        for index, request in enumerate(requests):
            if request is None:
                continue
            found = api.routes.find(request.method, request.path)
            is_search = found is not None and found[0].kind == "search"
            is_get = request.method == "GET"
            api.limiter.check(token, quota, is_get=is_get, is_search=is_search)
            api.limiter.acquire(token, is_get)
            taken[index] = True
    except AsanaError:
        _release(api, token, requests, taken)
        raise
    return taken


def _release(api: Any, token: str | None, requests: list[ParsedRequest | None],
             taken: list[bool]) -> None:
    for request, held in zip(requests, taken):
        if held and request is not None:
            api.limiter.release(token, request.method == "GET")


def _result(reply: Reply) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in reply.headers.items()
               if not name.startswith("_") and name.lower() in ("location", "retry-after")}
    return {"status_code": reply.status, "headers": headers, "body": reply.body}


async def create_batch_request(call: Call) -> Reply:
    """POST /batch: run up to 10 actions; 200 with each action's status, headers and body."""
    actions = call.data.get("actions")
    if actions is None:
        raise missing("actions")
    if not isinstance(actions, list):
        raise invalid("actions", "Must be an array of actions")
    if not actions:
        raise invalid("actions", "A batch request needs at least one action")
    if len(actions) > MAX_ACTIONS:
        raise invalid("actions", f"A batch request can hold at most {MAX_ACTIONS} actions, "
                      f"got {len(actions)}; split it into several batches")
    api = call.api
    requests: list[ParsedRequest | None] = []
    results: list[dict[str, Any] | None] = []
    for index, action in enumerate(actions):
        try:
            requests.append(_action_request(action, index, call.request.base_url,
                                            call.request.token))
            results.append(None)
        except AsanaError as error:
            requests.append(None)
            results.append({"status_code": error.status, "headers": {}, "body": error.body()})
    taken = _count(api, call, requests)
    try:
        pending = [(i, api.execute(r, call.user_gid)) for i, r in enumerate(requests) if r]
        replies = await asyncio.gather(*(job for _, job in pending))
    finally:
        _release(api, call.request.token, requests, taken)
    for (index, _), reply in zip(pending, replies):
        results[index] = _result(reply)
    fields = call.request.fields
    if fields:
        results = [{k: v for k, v in r.items() if k in fields} for r in results if r]
    return Reply(200, {"data": results})


routes = [Route("POST", "/batch", create_batch_request, kind="batch")]
