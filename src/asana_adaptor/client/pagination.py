"""Pagination: follow ``next_page.offset`` until the last page.

OpenFn's rule is kept: a caller-given ``limit`` means exactly one page. A ``next_page`` whose
``uri`` points at another origin is refused (the token would follow it), and an offset that comes
back twice stops the loop with an error instead of spinning forever.

    async for task in client.paginate("/projects/123/tasks", {"opt_fields": "name"}):
        print(task["name"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Mapping

from .errors import ConfigurationError, InvalidRequestError

if TYPE_CHECKING:
    from .client import AsanaClient
    from .response import AsanaResponse

__all__ = ["iterate_items", "iterate_pages"]


async def iterate_pages(
    client: "AsanaClient", path: str, params: Mapping[str, Any] | None = None, *,
    page_size: int = 100,
) -> AsyncIterator["AsanaResponse"]:
    """Every page of a list endpoint, as :class:`~.response.AsanaResponse` objects."""
    if not 1 <= page_size <= 100:
        raise InvalidRequestError(f"page_size must be between 1 and 100, got {page_size}",
                                  method="GET", path=path, hint="Asana pages hold 1 to 100 items.")
    query = dict(params or {})
    if query.get("limit") is not None:
        yield await client.get(path, query)
        return
    query["limit"] = page_size
    seen: set[str] = set()
    while True:
        page = await client.get(path, query)
        yield page
        next_page = page.next_page
        if not next_page or not next_page.get("offset"):
            return
        uri = next_page.get("uri")
        if uri and not client.settings.same_origin(str(uri)):
            raise ConfigurationError(
                f"refusing to follow next_page to {client.settings.mask_url(str(uri))}: it is "
                f"not on the configured origin {client.settings.origin}",
                code="BASE_URL_MISMATCH", method="GET", path=page.path,
                fix="Check configuration.baseUrl; a proxy in front of Asana must rewrite "
                    "next_page.uri to its own origin.")
        offset = str(next_page["offset"])
        if offset in seen:
            raise InvalidRequestError(
                f"Asana returned the same next_page offset twice ({offset[:20]}...)",
                method="GET", path=page.path,
                hint="Stopping to avoid an endless loop; retry the listing from the start.")
        seen.add(offset)
        query["offset"] = offset


async def iterate_items(
    client: "AsanaClient", path: str, params: Mapping[str, Any] | None = None, *,
    page_size: int = 100,
) -> AsyncIterator[dict]:
    """Every item of every page (a page whose ``data`` is not a list yields it whole)."""
    async for page in iterate_pages(client, path, params, page_size=page_size):
        if isinstance(page.data, list):
            for item in page.data:
                yield item
        elif page.data is not None:
            yield page.data
