"""Pagination: follow next_page.offset, one page when the caller set a limit, stay on origin."""

from __future__ import annotations

import httpx
import pytest

from asana_adaptor.client import ConfigurationError, InvalidRequestError
from clientkit import BASE, Script, make_client, run


def page(items, offset=None, origin="https://app.asana.com"):
    next_page = None
    if offset:
        next_page = {"offset": offset, "path": f"/projects/1/tasks?limit=2&offset={offset}",
                     "uri": f"{origin}/api/1.0/projects/1/tasks?limit=2&offset={offset}"}
    return httpx.Response(200, json={"data": [{"gid": str(g)} for g in items],
                                     "next_page": next_page})


def collect(script, path="/projects/1/tasks", params=None, **kw):
    async def main():
        client = make_client(script)
        try:
            return [item async for item in client.paginate(path, params, **kw)]
        finally:
            await client.aclose()
    return run(main())


def test_follows_next_page_offsets_to_the_end():
    """Items of every page are yielded in order, following next_page.offset."""
    script = Script(page([1, 2], "o1"), page([3, 4], "o2"), page([5]))
    assert [t["gid"] for t in collect(script)] == ["1", "2", "3", "4", "5"]
    offsets = [r.url.params.get("offset") for r in script.requests]
    assert offsets == [None, "o1", "o2"]


def test_sends_page_size_as_limit_and_keeps_params():
    """Each page request carries limit=page_size and the caller's params."""
    script = Script(page([1], "o1"), page([2]))
    collect(script, params={"opt_fields": ["name"]}, page_size=50)
    assert all(r.url.params["limit"] == "50" and r.url.params["opt_fields"] == "name"
               for r in script.requests)


def test_caller_limit_means_exactly_one_page():
    """With a limit in params only the first page is fetched (OpenFn's rule)."""
    script = Script(page([1, 2], "o1"), page([3]))
    assert [t["gid"] for t in collect(script, params={"limit": 2})] == ["1", "2"]
    assert len(script.requests) == 1 and script.requests[0].url.params["limit"] == "2"


def test_next_page_on_another_origin_is_refused():
    """A next_page whose uri is on another host stops with BASE_URL_MISMATCH; nothing is sent there."""
    script = Script(page([1], "o1", origin="https://evil.example.com"), page([2]))
    with pytest.raises(ConfigurationError) as info:
        collect(script)
    assert info.value.code == "BASE_URL_MISMATCH"
    assert "evil.example.com" in str(info.value)
    assert [r.url.host for r in script.requests] == ["app.asana.com"]


def test_repeated_offset_stops_instead_of_looping():
    """An offset returned twice raises instead of paging forever."""
    script = Script(page([1], "same"), page([2], "same"))
    with pytest.raises(InvalidRequestError, match="same next_page offset twice"):
        collect(script)
    assert len(script.requests) == 2


def test_get_all_returns_one_list():
    """get_all gathers every item into a list."""
    script = Script(page([1], "o1"), page([2]))

    async def main():
        client = make_client(script)
        items = await client.get_all("/projects/1/tasks")
        await client.aclose()
        return items

    assert run(main()) == [{"gid": "1"}, {"gid": "2"}]


def test_pages_yields_responses():
    """pages() yields each page's AsanaResponse, with its next_page."""
    script = Script(page([1], "o1"), page([2]))

    async def main():
        client = make_client(script)
        pages = [p async for p in client.pages("/projects/1/tasks")]
        await client.aclose()
        return pages

    pages = run(main())
    assert [p.next_page and p.next_page["offset"] for p in pages] == ["o1", None]


def test_page_size_out_of_range_is_refused():
    """page_size must be 1..100, Asana's bounds for limit."""
    with pytest.raises(InvalidRequestError):
        collect(Script(page([1])), page_size=500)


def test_absolute_next_page_uri_on_the_origin_is_accepted():
    """A next_page uri on the configured origin is followed."""
    script = Script(page([1], "o1", origin="https://app.asana.com"), page([2]))
    assert len(collect(script)) == 2
    assert str(script.requests[1].url).startswith(BASE)
