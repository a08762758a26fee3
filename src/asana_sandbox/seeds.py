"""Seeds: ``demo`` (the documented demo workspace) and ``empty``.

Gids come from the backend's counter, so a seed always produces the same gids.
"""

from __future__ import annotations

from typing import Any, Callable

DEMO_TOKEN = "sandbox-demo-token"

GRIEVANCE_FIELDS: list[tuple[str, str, list[str]]] = [
    ("Grievance ID", "text", []),
    ("Grievance Status", "enum", ["Open", "In Progress", "Resolved", "Closed"]),
    ("Category", "enum", ["Land Rights", "Human-Wildlife Conflict", "Access to Resources",
                          "Staff Conduct", "Consultation & Consent", "Other"]),
    ("Country", "enum", ["Peru", "Colombia", "Bolivia", "Kenya", "Tanzania", "Uganda",
                         "Indonesia", "Cambodia", "Myanmar"]),
    ("Date Entered", "date", []),
    ("Reporter", "text", []),
    ("Households Affected", "number", []),
    ("Themes", "multi_enum", ["Water", "Livelihoods", "Safety", "Land", "Culture"]),
    ("Focal Point", "people", []),
]
_COLORS = ["light-green", "light-blue", "light-orange", "light-purple", "light-red",
           "light-teal", "light-pink", "light-brown", "light-warm-gray"]


def _base(backend: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    demo = backend.create_workspace("Demo Organization", premium=True, is_organization=True,
                                    email_domains=["example.org"])
    free = backend.create_workspace("Free Workspace", premium=False, is_organization=False)
    me = backend.create_user("Sandbox User", "sandbox@example.org", [demo["gid"], free["gid"]])
    backend.acting_user = me["gid"]
    return demo, free, me


def seed_empty(backend: Any) -> None:
    """The demo organization and its token owner, nothing else (plus the free workspace)."""
    _base(backend)


def seed_demo(backend: Any) -> None:
    """The demo workspace: two workspaces, four users, a team, the Grievances project and tags."""
    demo, free, me = _base(backend)
    ws = demo["gid"]
    amina = backend.create_user("Amina Diallo", "amina@example.org", [ws])
    carlos = backend.create_user("Carlos Ruiz", "carlos@example.org", [ws])
    mei = backend.create_user("Mei Chen", "mei@example.org", [ws])
    team = backend.create_team(ws, "Programmes",
                               [me["gid"], amina["gid"], carlos["gid"], mei["gid"]],
                               "Programme staff")
    grievances = backend.create_project(
        {"name": "Grievances", "notes": "Grievances raised by communities, one task each."},
        team=team["gid"])
    untitled = grievances["_sections"][0]
    for name in ("New", "In Review", "Resolved"):
        backend.create_section(grievances["gid"], name, _quiet=True)
    grievances["_sections"].remove(untitled)
    del backend.sections[untitled]
    for name, kind, options in GRIEVANCE_FIELDS:
        data: dict[str, Any] = {"workspace": ws, "name": name, "resource_subtype": kind}
        if kind == "number":
            data["precision"] = 0
        if options:
            data["enum_options"] = [{"name": option, "color": _COLORS[i % len(_COLORS)]}
                                    for i, option in enumerate(options)]
        field = backend.create_custom_field(data)
        if name == "Category":
            backend.create_enum_option(field["gid"], {"name": "Inactive Option", "enabled": False})
        backend.add_custom_field_setting(grievances["gid"], {"custom_field": field["gid"]})
    field_ops = backend.create_project(
        {"name": "Field Operations", "notes": "Logistics for field visits."}, team=team["gid"])
    visit = backend.create_task({"name": "Plan field visit to Loreto",
                                 "projects": [field_ops["gid"]], "assignee": amina["gid"],
                                 "due_on": "2026-03-15"})
    backend.create_task({"name": "Book transport", "parent": visit["gid"]})
    backend.create_task({"name": "Order water testing kits", "projects": [field_ops["gid"]],
                         "assignee": carlos["gid"]})
    backend.create_task({"name": "Send community meeting minutes",
                         "projects": [field_ops["gid"]], "completed": True})
    backend.create_project({"name": "Free Project"}, workspace=free["gid"])
    backend.create_tag({"name": "urgent", "color": "dark-red"}, ws)
    backend.create_tag({"name": "follow-up", "color": "light-blue"}, ws)


SEEDS: dict[str, Callable[[Any], None]] = {"demo": seed_demo, "empty": seed_empty}


def apply_seed(backend: Any, name: str) -> None:
    """Reset ``backend`` and load the seed ``name`` (events of the seeding are dropped)."""
    if name not in SEEDS:
        raise ValueError(f"unknown seed {name!r}; choose one of {', '.join(SEEDS)}")
    backend.reset()
    listeners = backend.event_listeners
    backend.event_listeners = []
    try:
        SEEDS[name](backend)
    finally:
        backend.event_listeners = listeners
    backend.events.clear()
    backend.acting_user = None
