"""The demo and empty seeds and the facade's conveniences."""

from __future__ import annotations

import re

import pytest

from asana_sandbox import DEMO_TOKEN, Sandbox


def test_seed_gids_are_deterministic():
    """Two demo sandboxes have the same gids."""
    assert (
        Sandbox().backend.to_json()["tables"]["tasks"].keys()
        == Sandbox().backend.to_json()["tables"]["tasks"].keys()
    )
    assert Sandbox().project_gid("Grievances") == Sandbox().project_gid("Grievances")
    assert Sandbox().custom_field_gid("Themes") == Sandbox().custom_field_gid("Themes")


def test_demo_token_is_the_default_token():
    """DEMO_TOKEN is valid and owned by the demo user."""
    sandbox = Sandbox()
    assert sandbox.token == DEMO_TOKEN
    assert sandbox.backend.users[sandbox.api.tokens[DEMO_TOKEN]]["email"] == "sandbox@example.org"


def test_workspace_gid_is_the_premium_one():
    """workspace_gid names the premium demo organization."""
    sandbox = Sandbox()
    workspace = sandbox.backend.workspaces[sandbox.workspace_gid]
    assert workspace["name"] == "Demo Organization" and workspace["_premium"]
    assert re.fullmatch(r"\d{16}", sandbox.workspace_gid)


def test_demo_projects():
    """The demo has Grievances, Field Operations and a free project."""
    sandbox = Sandbox()
    assert sorted(p["name"] for p in sandbox.backend.projects.values()) == [
        "Field Operations", "Free Project", "Grievances"]


def test_field_operations_has_tasks():
    """Field Operations starts with a few tasks."""
    sandbox = Sandbox()
    tasks = sandbox.backend.get_tasks_for_project(sandbox.project_gid("Field Operations"))
    assert len(tasks) == 3


def test_project_gid_unknown_name_raises():
    """project_gid names the missing project."""
    with pytest.raises(KeyError, match="Nope"):
        Sandbox().project_gid("Nope")


def test_empty_seed_has_no_projects():
    """The empty seed has workspaces and the token owner only."""
    sandbox = Sandbox(seed="empty")
    assert sandbox.backend.projects == {} and len(sandbox.backend.users) == 1


def test_unknown_seed_is_refused():
    """An unknown seed name is a clear error."""
    with pytest.raises(ValueError, match="demo"):
        Sandbox(seed="galaxy")


def test_seeding_leaves_no_events():
    """The event log starts empty."""
    assert Sandbox().backend.events == []
