"""Attachments: uploads from a path or bytes, external links, the 100 MB limit, listing."""

import pytest

from asana_adaptor.client import BadRequestError, InvalidRequestError
from asana_adaptor.ops import create_task, get_attachments, upload_attachment

UNKNOWN = "1999999999999999"


@pytest.fixture
def task_gid(run, project_gid):
    return run(create_task({"name": "With files", "projects": [project_gid]}))["data"]["gid"]


def test_upload_attachment_from_a_path(run, api, task_gid, tmp_path):
    """A file path is uploaded under its own name and shows on the task."""
    report = tmp_path / "site-visit.txt"
    report.write_text("All good\n")
    state = run(upload_attachment(task_gid, file=str(report)))
    assert state["data"]["name"] == "site-visit.txt"
    listed = api("GET", "/attachments", {"parent": task_gid})
    assert [a["name"] for a in listed] == ["site-visit.txt"]


def test_upload_attachment_from_bytes_with_a_name(run, api, task_gid):
    """Bytes are uploaded under the given name, with their size."""
    state = run(upload_attachment(task_gid, file=b"id,name\n1,Ada\n", name="people.csv"))
    stored = api("GET", f"/attachments/{state['data']['gid']}", {"opt_fields": "name,size"})
    assert (stored["name"], stored["size"]) == ("people.csv", 14)


def test_upload_attachment_external_url(run, api, task_gid):
    """url= attaches an external link (resource_subtype external)."""
    state = run(upload_attachment(task_gid, url="https://example.org/photo.jpg", name="Photo"))
    stored = api("GET", f"/attachments/{state['data']['gid']}",
                 {"opt_fields": "name,resource_subtype,view_url"})
    assert stored["resource_subtype"] == "external"
    assert stored["name"] == "Photo"


def test_upload_attachment_refuses_files_over_100_mb_before_sending(run, recorder, task_gid,
                                                                     tmp_path):
    """A file over 100 MB is refused with a clear error and nothing is uploaded."""
    big = tmp_path / "video.mp4"
    with open(big, "wb") as handle:
        handle.truncate(100 * 1024 * 1024 + 1)  # sparse: takes no disk space
    sent = len(recorder.requests)
    with pytest.raises(InvalidRequestError, match="up to 100 MB"):
        run(upload_attachment(task_gid, file=str(big)))
    assert len(recorder.requests) == sent


def test_upload_attachment_refuses_a_missing_file(run, task_gid, tmp_path):
    """A path that is not a file is refused, naming the path."""
    with pytest.raises(InvalidRequestError, match="no file at"):
        run(upload_attachment(task_gid, file=str(tmp_path / "nope.pdf")))


def test_upload_attachment_needs_file_or_url(run, task_gid):
    """Neither file nor url is refused with a message saying what to pass."""
    with pytest.raises(InvalidRequestError, match="exactly one of file"):
        run(upload_attachment(task_gid))


def test_upload_attachment_to_unknown_parent_is_a_bad_request(run):
    """Uploading to an unknown parent raises BadRequestError naming the parent parameter."""
    with pytest.raises(BadRequestError, match="parent: Unknown object"):
        run(upload_attachment(UNKNOWN, file=b"x", name="x.txt"))


def test_get_attachments_lists_every_attachment(run, task_gid):
    """get_attachments lists the attachments of a task."""
    state = run(upload_attachment(task_gid, file=b"a", name="a.txt"),
                upload_attachment(task_gid, file=b"b", name="b.txt"),
                get_attachments(task_gid))
    assert sorted(a["name"] for a in state["data"]) == ["a.txt", "b.txt"]


def test_get_attachments_of_unknown_parent_is_a_bad_request(run):
    """Listing attachments of an unknown parent raises BadRequestError naming the parent."""
    with pytest.raises(BadRequestError, match="parent: Unknown object"):
        run(get_attachments(UNKNOWN))
