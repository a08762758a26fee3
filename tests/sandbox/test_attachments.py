"""Attachments: multipart uploads, external links, list by parent, get, delete."""

from __future__ import annotations

import httpx


def _upload(api, parent, content=b"hello", name="note.txt"):
    return api.request("POST", "/attachments", data={"parent": parent},
                       files={"file": (name, content, "text/plain")})


def test_upload_file(api, new_task, ok):
    """A multipart upload creates an asana-hosted attachment."""
    task = new_task()
    attachment = ok(_upload(api, task["gid"]))
    assert (attachment["name"], attachment["resource_subtype"], attachment["size"]) == (
        "note.txt",
        "asana",
        5,
    )
    assert attachment["parent"]["gid"] == task["gid"]


def test_uploaded_file_can_be_downloaded(api, new_task, sandbox, ok):
    """download_url serves the uploaded bytes."""
    attachment = ok(_upload(api, new_task()["gid"], b"report body"))

    async def fetch():
        async with httpx.AsyncClient(transport=sandbox.transport()) as client:
            return await client.get(attachment["download_url"])

    assert api.run(fetch()).content == b"report body"


def test_external_attachment(api, new_task, ok):
    """resource_subtype=external with url and name links an external file."""
    task = new_task()
    response = api.request(
        "POST",
        "/attachments",
        data={
            "parent": task["gid"],
            "resource_subtype": "external",
            "url": "https://example.org/report.pdf",
            "name": "Report",
        },
    )
    attachment = ok(response)
    assert (attachment["resource_subtype"], attachment["host"], attachment["view_url"]) == (
        "external", "external", "https://example.org/report.pdf")


def test_upload_needs_parent(api, error_message):
    """parent is required."""
    response = api.request("POST", "/attachments", files={"file": ("a.txt", b"a", "text/plain")})
    assert error_message(response, 400) == "parent: Missing input"


def test_upload_needs_file(api, new_task, error_message):
    """An asana attachment needs a file."""
    response = api.request("POST", "/attachments", data={"parent": new_task()["gid"]},
                           files={"other": ("a.txt", b"a", "text/plain")})
    assert error_message(response, 400) == "file: Missing input"


def test_list_attachments_by_parent(api, new_task, ok):
    """GET /attachments?parent= lists a task's attachments."""
    task = new_task()
    first = ok(_upload(api, task["gid"]))
    assert [a["gid"] for a in ok(api.get("/attachments", {"parent": task["gid"]}))] == [
        first["gid"]
    ]


def test_get_and_delete_attachment(api, new_task, ok):
    """An attachment can be read and deleted."""
    attachment = ok(_upload(api, new_task()["gid"]))
    assert ok(api.get(f"/attachments/{attachment['gid']}"))["host"] == "asana"
    assert ok(api.delete(f"/attachments/{attachment['gid']}")) == {}
    assert api.get(f"/attachments/{attachment['gid']}").status_code == 404
