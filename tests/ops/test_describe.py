"""`asana-adaptor describe`: a project's or workspace's fields, options, sections, members."""

import asyncio
import json

import pytest
from click.testing import CliRunner

from asana_adaptor.cli import main


@pytest.fixture
def describe(tmp_path, monkeypatch):
    """``describe(*args)`` -> (exit code, output), run from an empty folder."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # no .cache/sandbox.json of another run in the way

    def _describe(*args):
        result = CliRunner().invoke(main, ["describe", *args], env={"ASANA_TOKEN": ""})
        return result.exit_code, result.output

    return _describe


def test_project_json_lists_fields_with_option_gids(describe, sb):
    """--json gives every custom field with its type, gid and options (gid, enabled)."""
    code, out = describe("project", sb.project_gid("Grievances"), "--sandbox", "--json")
    assert code == 0, out
    info = json.loads(out)
    fields = {f["name"]: f for f in info["custom_fields"]}
    assert fields["Households Affected"]["type"] == "number"
    options = {o["name"]: o for o in fields["Category"]["enum_options"]}
    assert options["Land Rights"] == {"name": "Land Rights", "enabled": True,
                                      "gid": sb.enum_option_gid("Category", "Land Rights")}
    assert options["Inactive Option"]["enabled"] is False


def test_project_json_lists_sections_and_members(describe, sb):
    """--json includes the project's sections and members."""
    _, out = describe("project", sb.project_gid("Grievances"), "--sandbox", "--json")
    info = json.loads(out)
    assert [s["name"] for s in info["sections"]] == ["New", "In Review", "Resolved"]
    assert "sandbox@example.org" in [m["email"] for m in info["members"]]


def test_project_tables_show_options_and_disabled_flag(describe, sb):
    """The tables show each option's gid and mark disabled options."""
    code, out = describe("project", sb.project_gid("Grievances"), "--sandbox")
    assert code == 0, out
    assert sb.enum_option_gid("Country", "Myanmar") in out
    inactive = next(line for line in out.splitlines() if "Inactive Option" in line)
    assert inactive.rstrip(" │").endswith("no")
    assert "Sections" in out and "Members" in out


def test_project_by_forgiven_name(describe):
    """A project may be named instead of given by gid, with the usual forgiveness."""
    code, out = describe("project", "  grievances ", "--sandbox", "--json")
    assert code == 0 and json.loads(out)["project"]["name"] == "Grievances"


def test_unknown_project_name_lists_closest(describe):
    """An unknown project name fails, listing the projects closest first."""
    code, out = describe("project", "Grievance", "--sandbox")
    assert code != 0
    assert "valid projects, closest first: 'Grievances'" in out


def test_workspace_lists_projects_and_fields(describe, sb):
    """describe workspace lists its projects and custom fields."""
    code, out = describe("workspace", sb.workspace_gid, "--sandbox", "--json")
    assert code == 0, out
    info = json.loads(out)
    assert {"Grievances", "Field Operations"} <= {p["name"] for p in info["projects"]}
    assert "Grievance ID" in [f["name"] for f in info["custom_fields"]]


def test_sandbox_data_of_a_run_is_read(describe, tmp_path):
    """--sandbox-data shows the state a `run --sandbox` left (an option it created)."""
    from asana_sandbox import Sandbox

    data = tmp_path / ".cache" / "sandbox.json"
    data.parent.mkdir()
    keep = Sandbox(data_file=str(data))

    async def add_option():
        async with keep.client() as client:
            field = keep.custom_field_gid("Country")
            response = await client.post(f"/custom_fields/{field}/enum_options",
                                         json={"data": {"name": "Ecuador"}})
            assert response.status_code == 201

    asyncio.run(add_option())
    keep.close()
    code, out = describe("project", "Grievances", "--sandbox", "--sandbox-data", str(tmp_path))
    assert code == 0, out
    assert "Ecuador" in out


def test_without_token_says_how_to_give_one(describe):
    """With no credentials and no ASANA_TOKEN the error names the three ways to connect."""
    code, out = describe("project", "1")
    assert code != 0
    assert "--credentials" in out and "ASANA_TOKEN" in out and "--sandbox" in out


def test_credentials_map_needs_a_name(describe, tmp_path):
    """A credentials map with several entries asks for --name, listing them."""
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"prod": {"token": "a"}, "test": {"token": "b"}}))
    code, out = describe("project", "1", "--credentials", str(creds))
    assert code != 0 and "prod, test" in out and "--name" in out


def test_missing_credentials_file_is_named(describe, tmp_path):
    """A credentials file that does not exist is named in the error."""
    code, out = describe("project", "1", "--credentials", str(tmp_path / "nope.json"))
    assert code != 0 and "nope.json" in out and "not found" in out


def test_unreachable_asana_ends_in_one_clear_line(describe, tmp_path):
    """An origin nobody listens on: two logged retries, then one line naming it and what to do."""
    import socket

    with socket.socket() as probe:  # a loopback port that is free, so nothing answers there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"token": "0/secret-token", "baseUrl": f"http://127.0.0.1:{port}"}))
    result = CliRunner().invoke(main, ["describe", "project", "1", "--credentials", str(creds)])
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 1 and len(errors) == 1
    assert errors[0].startswith(f"Error: cannot reach http://127.0.0.1:{port}: could not connect")
    assert "configuration.baseUrl" in errors[0]
    assert result.output.count("warning: retrying GET /projects/1") == 2
    assert "secret-token" not in result.output


def test_log_info_shows_each_request(describe, sb):
    """--log info adds one line per Asana call; the default shows none on success."""
    _, quiet = describe("project", "Grievances", "--sandbox")
    code, out = describe("project", "Grievances", "--sandbox", "--log", "info")
    assert code == 0
    assert "[ASANA] GET /projects/" in out and " - 200 in " in out
    assert "[ASANA]" not in quiet


def test_sandbox_data_in_use_by_a_server_is_refused_naming_it(describe, tmp_path):
    """--sandbox on a data file another process keeps is refused, with who keeps it."""
    from asana_adaptor.runtime.filelock import hold

    data = tmp_path / ".cache" / "sandbox.json"
    data.parent.mkdir()
    from asana_sandbox import Sandbox

    Sandbox(data_file=str(data)).close()
    held = hold(f"{data}.lock", "the sandbox server at http://127.0.0.1:8123")
    try:
        code, out = describe("project", "Grievances", "--sandbox", "--sandbox-data", str(tmp_path))
    finally:
        held.close()
    assert code != 0
    assert "in use by the sandbox server at http://127.0.0.1:8123" in out
