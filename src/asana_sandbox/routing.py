"""The route table and what a handler receives.

A route is ``Route("GET", "/tasks/{task_gid}", get_task)``. Path parameters are whole segments
(``{name}``). Handlers take one argument, a :class:`Call`, and return a
:class:`~asana_sandbox.responses.Reply` (usually through ``call.single``, ``call.listing`` or
``call.empty``); they may be ``async``. They raise :mod:`asana_sandbox.errors` for failures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable, Union

from .parsing import ParsedRequest
from .responses import Reply, paginate
from .views import render, render_list

if TYPE_CHECKING:
    from .backend import AsanaBackend

_PLURALS = {"story": "stories", "enum_option": "enum_options"}

Handler = Callable[["Call"], Union[Reply, Awaitable[Reply]]]


class Route:
    """One emulated operation: a method, a path template and a handler."""

    __slots__ = ("method", "path", "handler", "segments", "params", "kind")

    def __init__(self, method: str, path: str, handler: Handler, *, kind: str = "") -> None:
        self.method = method.upper()
        self.path = path
        self.handler = handler
        self.segments = tuple(path.strip("/").split("/")) if path.strip("/") else ()
        self.params = tuple(
            (i, s[1:-1]) for i, s in enumerate(self.segments) if s.startswith("{")
        )
        self.kind = kind

    def match(self, parts: tuple[str, ...]) -> dict[str, str] | None:
        for template, part in zip(self.segments, parts):
            if template[0] != "{" and template != part:
                return None
        return {name: parts[i] for i, name in self.params}


class RouteTable:
    """Routes indexed by method and number of segments; literal segments win over parameters."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self._index: dict[tuple[str, int], list[Route]] = {}
        self.routes: list[Route] = []
        for route in routes:
            self.add(route)

    def add(self, route: Route) -> None:
        self.routes.append(route)
        bucket = self._index.setdefault((route.method, len(route.segments)), [])
        bucket.append(route)
        bucket.sort(key=lambda r: len(r.params))

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        parts = tuple(path.strip("/").split("/")) if path.strip("/") else ()
        for route in self._index.get((method, len(parts)), ()):
            params = route.match(parts)
            if params is not None:
                return route, params
        return None


class Call:
    """Everything a handler needs: the backend, the parsed request, path params and settings."""

    __slots__ = ("api", "backend", "request", "params", "user_gid")

    def __init__(self, api: Any, request: ParsedRequest, params: dict[str, str],
                 user_gid: str) -> None:
        self.api = api
        self.backend: AsanaBackend = api.backend
        self.request = request
        self.params = params
        self.user_gid = user_gid

    @property
    def data(self) -> dict[str, Any]:
        return self.request.data

    @property
    def query(self) -> dict[str, str]:
        return self.request.query

    def single(self, kind: str, record: dict[str, Any], status: int = 200,
               extra: dict[str, Any] | None = None) -> Reply:
        """``{"data": <full view or opt_fields>}``."""
        body: dict[str, Any] = {"data": render(self.backend, kind, record, self.request.fields)}
        if extra:
            body.update(extra)
        headers = {}
        if status == 201:
            plural = _PLURALS.get(kind, kind + "s")
            headers["Location"] = f"{self.request.base_url}/api/1.0/{plural}/{record['gid']}"
        return Reply(status, body, headers)

    def listing(self, kind: str, records: list[dict[str, Any]], *, paginated: bool = True,
                max_results: int | None = None) -> Reply:
        """``{"data": [compact views], "next_page": ...}`` with Asana's pagination rules."""
        request = self.request
        fields = request.fields
        backend = self.backend
        if paginated:
            settings = self.api.settings
            page, next_page, with_limit = paginate(
                records, path=request.path, query=request.query, limit=request.limit,
                offset=request.offset, base_url=request.base_url,
                max_unpaginated=settings.max_unpaginated,
                page_size=self.api.faults.page_size,
            )
        else:
            page = records[: max_results or request.limit or len(records)]
            next_page, with_limit = None, False
        body: dict[str, Any] = {"data": render_list(backend, kind, page, fields)}
        if with_limit:
            body["next_page"] = next_page
        return Reply(200, body)

    def empty(self) -> Reply:
        """``{"data": {}}``."""
        return Reply(200, {"data": {}})
