"""The writable fields of a task and their rules (ASANA_API.md §4).

One place validates and applies what a create or update sends: name and notes (``html_notes``
must be valid XML), subtype and approval status, assignee (a member of the task's workspace),
completion, likes, and dates (one of ``due_on``/``due_at``; a start date needs a due date).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Any

from ..errors import BadRequest, invalid
from ..parsing import as_str, parse_bool
from ..views import Ref

SUBTYPES = ("default_task", "milestone", "approval", "custom")
APPROVAL = ("pending", "approved", "rejected", "changes_requested")


class TaskFieldsModel:
    """Validating and applying a task's writable fields."""

    def _apply_task_fields(self, task: dict[str, Any], data: dict[str, Any],
                           creating: bool) -> list[tuple[str, Any, Any]]:
        """Validate and apply writable fields; returns (field, old, new) for each change."""
        changes: list[tuple[str, Any, Any]] = []

        def put(name: str, value: Any) -> None:
            old = task.get(name)
            if old != value:
                task[name] = value
                changes.append((name, old, value))

        if "name" in data:
            put("name", as_str(data["name"], "name", allow_none=True) or "")
        if "html_notes" in data:
            html = as_str(data["html_notes"], "html_notes", allow_none=True) or "<body></body>"
            put("notes", html_text(html))
            task["html_notes"] = html
        elif "notes" in data:
            notes = as_str(data["notes"], "notes", allow_none=True) or ""
            put("notes", notes)
            task["html_notes"] = "<body>" + escape_html(notes) + "</body>"
        if "resource_subtype" in data:
            subtype = data["resource_subtype"]
            if subtype not in SUBTYPES:
                raise invalid("resource_subtype", f"Must be one of {', '.join(SUBTYPES)}")
            put("resource_subtype", subtype)
            if subtype == "approval" and not task.get("approval_status"):
                task["approval_status"] = "pending"
        if "approval_status" in data:
            if data["approval_status"] not in APPROVAL:
                raise invalid("approval_status", f"Must be one of {', '.join(APPROVAL)}")
            if task["resource_subtype"] != "approval":
                raise invalid("approval_status", "Only approval tasks have an approval status")
            task["approval_status"] = data["approval_status"]
            data = dict(data, completed=data["approval_status"] != "pending"
                        if "completed" not in data else data["completed"])
        if "assignee" in data:
            assignee = data["assignee"]
            if assignee is None:
                new = None
            else:
                user = self.get_user(assignee, "assignee")
                if task["workspace"] not in user["workspaces"]:
                    raise invalid("assignee", "The user is not a member of the task's workspace")
                new = user["gid"]
            if new != task["assignee"]:
                put("assignee", new)
                task["assigned_by"] = self.acting_user if new else None
                if new and new not in task["followers"]:
                    task["followers"].append(new)
        if "assignee_status" in data:
            put("assignee_status", as_str(data["assignee_status"], "assignee_status"))
        if "completed" in data:
            done = parse_bool(data["completed"], "completed")
            if done != task["completed"]:
                put("completed", done)
                task["completed_at"] = self.now()[1] if done else None
                task["completed_by"] = self.acting_user if done else None
                if task["resource_subtype"] == "approval" and "approval_status" not in data:
                    task["approval_status"] = "approved" if done else "pending"
        if "liked" in data:
            liked = parse_bool(data["liked"], "liked")
            task["liked"] = liked
            task["likes"] = ([{"gid": self.new_gid(), "user": Ref("user", self.acting_user)}]
                             if liked else [])
            task["num_likes"] = len(task["likes"])
        if "due_on" in data and "due_at" in data and data["due_on"] is not None \
                and data["due_at"] is not None:
            raise BadRequest("due_on, due_at: You may only provide one of due_on or due_at")
        if "start_on" in data and "start_at" in data and data["start_on"] is not None \
                and data["start_at"] is not None:
            raise BadRequest("start_on, start_at: You may only provide one of start_on or start_at")
        if "due_on" in data:
            put("due_on", self.parse_date(data["due_on"], "due_on"))
            if task["due_on"] is not None:
                task["due_at"] = None
        if "due_at" in data:
            put("due_at", self.parse_datetime(data["due_at"], "due_at"))
            task["due_on"] = task["due_at"][:10] if task["due_at"] else (
                task["due_on"] if "due_on" in data else None)
        if "start_on" in data:
            put("start_on", self.parse_date(data["start_on"], "start_on"))
        if "start_at" in data:
            put("start_at", self.parse_datetime(data["start_at"], "start_at"))
            if task["start_at"]:
                task["start_on"] = task["start_at"][:10]
        if task.get("start_on") or task.get("start_at"):
            if ("start_on" in data or "start_at" in data) and not (
                    data.get("due_on") or data.get("due_at")
                    or (not creating and (task["due_on"] or task["due_at"]))):
                param = "start_at" if "start_at" in data else "start_on"
                raise invalid(param, "A start date requires a due date; send due_on or due_at "
                              "in the same request")
            if task.get("start_at") and not task.get("due_at"):
                raise invalid("start_at", "start_at requires due_at")
            if task["resource_subtype"] == "milestone":
                raise invalid("start_on", "Milestones cannot have a start date")
            start = task.get("start_on")
            due = task.get("due_on")
            if start and due and start > due:
                raise invalid("start_on", "The start date must be on or before the due date")
        if "is_rendered_as_separator" in data:
            task["is_rendered_as_separator"] = parse_bool(data["is_rendered_as_separator"],
                                                          "is_rendered_as_separator")
        return changes


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_text(html: str) -> str:
    try:
        root = ElementTree.fromstring(html)
    except ElementTree.ParseError as error:
        raise invalid("html_notes", f"XML is invalid: {error}. Wrap rich text in "
                      "<body>...</body> and close every tag") from None
    if root.tag != "body":
        raise invalid("html_notes", "Rich text must be wrapped in <body>...</body>")
    return "".join(root.itertext())
