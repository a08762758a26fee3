"""Pagination: limit, offset tokens, next_page, and the too-large error."""

from __future__ import annotations

from asana_sandbox import Sandbox, SandboxSettings



def _fill(api, project, count):
    for index in range(count):
        response = api.post("/tasks", {"name": f"t{index}", "projects": [project]})
        assert response.status_code == 201, response.text


def test_limit_above_100_is_400(api, grievances, error_message):
    """limit must be at most 100."""
    assert error_message(api.get(f"/projects/{grievances}/tasks", {"limit": 101}), 400).startswith(
        "limit:"
    )


def test_limit_zero_is_400(api, grievances):
    """limit must be at least 1."""
    assert api.get(f"/projects/{grievances}/tasks", {"limit": 0}).status_code == 400


def test_limit_not_a_number_is_400(api, grievances):
    """limit must be an integer."""
    assert api.get(f"/projects/{grievances}/tasks", {"limit": "ten"}).status_code == 400


def test_no_next_page_without_limit(api, grievances):
    """Without limit the whole list comes back and there is no next_page key."""
    _fill(api, grievances, 3)
    body = api.get(f"/projects/{grievances}/tasks").json()
    assert len(body["data"]) == 3 and "next_page" not in body


def test_next_page_has_offset_path_and_uri(api, grievances):
    """With limit, next_page carries offset, a relative path and an absolute uri."""
    _fill(api, grievances, 3)
    page = api.get(f"/projects/{grievances}/tasks", {"limit": 2, "opt_fields": "name"}).json()
    next_page = page["next_page"]
    assert next_page["path"].startswith(f"/projects/{grievances}/tasks?")
    assert "opt_fields=name" in next_page["path"] and "limit=2" in next_page["path"]
    assert next_page["uri"] == "http://asana-sandbox.local/api/1.0" + next_page["path"]
    assert next_page["offset"] in next_page["path"]


def test_following_offsets_walks_every_item_once(api, grievances):
    """Following next_page yields every item exactly once, in order."""
    _fill(api, grievances, 5)
    names, params = [], {"limit": 2}
    while True:
        body = api.get(f"/projects/{grievances}/tasks", params).json()
        names += [t["name"] for t in body["data"]]
        if body["next_page"] is None:
            break
        params = {"limit": 2, "offset": body["next_page"]["offset"]}
    assert names == [f"t{i}" for i in range(5)]


def test_last_page_has_null_next_page(api, grievances):
    """The last page carries next_page: null."""
    _fill(api, grievances, 2)
    body = api.get(f"/projects/{grievances}/tasks", {"limit": 5}).json()
    assert body["next_page"] is None


def test_tampered_offset_is_400(api, grievances, error_message):
    """An offset the API did not issue is refused."""
    _fill(api, grievances, 3)
    offset = api.get(f"/projects/{grievances}/tasks", {"limit": 1}).json()["next_page"]["offset"]
    response = api.get(f"/projects/{grievances}/tasks", {"limit": 1, "offset": offset[:-2] + "xx"})
    assert error_message(response, 400).startswith("offset:")


def test_offset_from_another_list_is_400(api, grievances, sandbox):
    """An offset only works on the list that issued it."""
    _fill(api, grievances, 3)
    offset = api.get(f"/projects/{grievances}/tasks", {"limit": 1}).json()["next_page"]["offset"]
    other = sandbox.project_gid("Field Operations")
    assert api.get(f"/projects/{other}/tasks", {"limit": 1, "offset": offset}).status_code == 400


def test_unpaginated_list_over_the_limit_is_too_large(make_api, ok, error_message):
    """A big list without limit gets Asana's "result is too large" 400."""
    sb = Sandbox(settings=SandboxSettings(max_unpaginated=3))
    api = make_api(sb)
    project = sb.project_gid("Grievances")
    _fill(api, project, 4)
    message = error_message(api.get(f"/projects/{project}/tasks"), 400)
    assert message == ("The result is too large. You should use pagination "
                       "(may require specifying a workspace)!")
    assert len(ok(api.get(f"/projects/{project}/tasks", {"limit": 100}))) == 4
