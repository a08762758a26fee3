"""The in-memory Asana: plain records in dicts, methods named after Asana operations.

Records are plain dicts holding Asana field values, references as gids; keys starting with
``_`` are internal (ordering, timestamps as numbers) and never rendered. ``reset()`` empties
everything; ``save``/``load`` round-trip the whole state through JSON.

Every change calls :meth:`AsanaBackend.record_event`, which appends an Asana-shaped event to
``events`` (with an internal ``_seq``) and calls each of ``event_listeners`` with
``(event, targets)`` — ``targets`` being the gids the event bubbles up to. ``events`` keeps the
last ``settings.event_retention`` seconds (24 hours, as Asana keeps events), at most
``settings.max_events`` of them.

Parts of the state kept outside the records (the Events API's log and sync tokens) join the
data file through :meth:`AsanaBackend.attach_state`: an object with ``to_json()`` and
``from_json(document)`` saved under its own key. A file without that key loads as before.

>>> backend = AsanaBackend()
>>> backend.reset()
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from typing import Any, Callable

from .clock import SystemClock, iso_timestamp
from .errors import unknown_object
from .models.attachments import AttachmentsModel
from .models.custom_fields import CustomFieldsModel
from .models.external import ExternalModel
from .models.field_entries import FieldEntriesModel
from .models.field_values import FieldValuesModel
from .models.project_ops import ProjectOpsModel
from .models.projects import ProjectsModel
from .models.search import SearchModel
from .models.stories import StoriesModel
from .models.tags import TagsModel
from .models.task_relations import TaskRelationsModel
from .models.task_fields import TaskFieldsModel
from .models.tasks import TasksModel
from .models.user_lists import UserListsModel
from .models.users import UsersModel
from .settings import SandboxSettings

FIRST_GID = 1_200_000_000_000_001

# resource_type -> name of the dict holding those records
TABLES: dict[str, str] = {
    "workspace": "workspaces",
    "user": "users",
    "team": "teams",
    "project": "projects",
    "section": "sections",
    "task": "tasks",
    "tag": "tags",
    "custom_field": "custom_fields",
    "enum_option": "enum_options",
    "custom_field_setting": "custom_field_settings",
    "story": "stories",
    "attachment": "attachments",
    "job": "jobs",
    "webhook": "webhooks",
    "user_task_list": "user_task_lists",
    "project_template": "project_templates",
    "portfolio": "portfolios",  # not emulated: always empty, so lookups answer 404
    "goal": "goals",  # not emulated: always empty, so lookups answer 404
}

# keys of the data file holding the records; any other key belongs to an attached state part
CORE_KEYS = frozenset({"version", "next_gid", "event_seq", "custom_id_counters", "meta", "tables",
                       "blobs"})

EventListener = Callable[[dict[str, Any], set[str]], None]


class AsanaBackend(UsersModel, UserListsModel, ProjectsModel, ProjectOpsModel, TasksModel,
                   TaskFieldsModel, TaskRelationsModel, StoriesModel, TagsModel, CustomFieldsModel,
                   FieldValuesModel, FieldEntriesModel, AttachmentsModel, SearchModel,
                   ExternalModel):
    """The whole state of one sandbox. Not thread-safe; one event loop drives it."""

    def __init__(self, clock: Any = None, settings: SandboxSettings | None = None) -> None:
        self.clock = clock or SystemClock()
        self.settings = settings or SandboxSettings()
        self.event_listeners: list[EventListener] = []
        # views of referenced records while one list renders (see views.render_list)
        self.render_memo: dict[Any, Any] | None = None
        # name -> object with to_json()/from_json(), saved beside the records (see attach_state)
        self.state_parts: dict[str, Any] = {}
        self.reset()

    # ---------------------------------------------------------------- state
    def reset(self) -> None:
        """Forget everything: records, events, counters (listeners stay attached)."""
        self.tables: dict[str, dict[str, dict[str, Any]]] = {}
        for kind, attribute in TABLES.items():
            table: dict[str, dict[str, Any]] = {}
            setattr(self, attribute, table)
            self.tables[kind] = table
        self.blobs: dict[str, bytes] = {}
        self.events: list[dict[str, Any]] = []
        self.event_seq = 0
        self.next_gid = FIRST_GID
        self.acting_user: str | None = None
        self.custom_id_counters: dict[str, int] = {}
        self.meta: dict[str, Any] = {}
        self.search_index: dict[str, list[tuple[float, dict[str, Any]]]] = {}  # see SearchModel
        self.option_cache: dict[Any, Any] = {}  # rendered custom field pieces; cleared on change
        # parts read from a data file before their owner attached (see attach_state)
        self.pending_parts: dict[str, Any] = {}

    def new_gid(self) -> str:
        """A fresh 16-digit numeric gid (deterministic: a counter)."""
        gid = str(self.next_gid)
        self.next_gid += 1
        return gid

    def now(self) -> tuple[float, str]:
        """(seconds, ISO timestamp) from the clock."""
        seconds = self.clock.time()
        return seconds, iso_timestamp(seconds)

    def lookup(self, kind: str, gid: Any, param: str | None = None) -> dict[str, Any]:
        """The record of ``kind`` with ``gid``; 404 (path) or 400 naming ``param`` (body).

        A task may be named by ``external:<id>`` (see :mod:`.models.external`).
        """
        if kind == "task" and isinstance(gid, str) and gid.startswith("external:"):
            gid = self.resolve_external(gid, param)
        record = self.tables[kind].get(str(gid)) if gid is not None else None
        if record is None:
            raise unknown_object(gid, param)
        return record

    def new_record(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Store a new record of ``kind`` with timestamps and a gid; returns it."""
        seconds, stamp = self.now()
        record = {"gid": self.new_gid(), "created_at": stamp, "_created": seconds}
        record.update(fields)
        self.tables[kind][record["gid"]] = record
        return record

    def touch(self, record: dict[str, Any]) -> None:
        seconds, stamp = self.now()
        record["modified_at"] = stamp
        record["_modified"] = seconds

    def permalink(self, kind: str, record: dict[str, Any]) -> str:
        gid = record["gid"]
        if kind == "task":
            project = record["memberships"][0]["project"] if record.get("memberships") else "0"
            return f"https://app.asana.com/0/{project}/{gid}"
        return f"https://app.asana.com/0/{gid}/{gid}"

    def me(self) -> dict[str, Any]:
        """The acting user's record."""
        return self.lookup("user", self.acting_user)

    # ---------------------------------------------------------------- events
    def compact(self, kind: str, record: dict[str, Any]) -> dict[str, Any]:
        """``{gid, resource_type, resource_subtype?, name?}`` for events."""
        out = {"gid": record["gid"], "resource_type": kind}
        if record.get("resource_subtype"):
            out["resource_subtype"] = record["resource_subtype"]
        if "name" in record:
            out["name"] = record["name"]
        return out

    def record_event(self, resource: dict[str, Any], action: str,
                     parent: dict[str, Any] | None = None, change: dict[str, Any] | None = None,
                     user: dict[str, Any] | None = None) -> dict[str, Any]:
        """Append an Asana-shaped event and tell every listener (see the module docstring)."""
        if user is None and self.acting_user:
            user = {"gid": self.acting_user, "resource_type": "user"}
        self.event_seq += 1
        event = {
            "user": user,
            "created_at": self.now()[1],
            "action": action,
            "resource": resource,
            "parent": parent,
            "change": change,
            "type": resource.get("resource_type"),
            "_seq": self.event_seq,
        }
        self.events.append(event)
        self._trim_events()
        if resource.get("resource_type") == "task":
            self.index_task(resource["gid"])
        if self.event_listeners:
            targets = self.event_targets(resource, parent)
            for listener in list(self.event_listeners):
                listener(event, targets)
        return event

    def _trim_events(self) -> None:
        events = self.events
        settings = self.settings
        if len(events) > settings.max_events:
            del events[: len(events) - settings.max_events]
        horizon = iso_timestamp(self.clock.time() - settings.event_retention)
        if events and events[0]["created_at"] < horizon:
            keep = next((i for i, e in enumerate(events) if e["created_at"] >= horizon),
                        len(events))
            del events[:keep]

    def event_targets(self, resource: dict[str, Any], parent: dict[str, Any] | None) -> set[str]:
        """Gids an event bubbles up to: itself, parent chain, their projects, the workspace."""
        targets = {resource["gid"]}
        if parent:
            targets.add(parent["gid"])
        kind = resource.get("resource_type")
        record = self.tables.get(kind, {}).get(resource["gid"]) if kind else None
        if record is None:
            if parent:
                targets |= self._container_targets(parent)
            return targets
        if kind == "task":
            targets |= self._task_targets(record)
        elif kind in ("story", "attachment"):
            holder = record.get("target") or record.get("parent")
            task = self.tasks.get(holder) if holder else None
            if task is not None:
                targets |= self._task_targets(task)
            elif holder:
                targets.add(holder)
        elif kind == "section" and record.get("project"):
            targets.add(record["project"])
        workspace = record.get("workspace")
        if workspace:
            targets.add(workspace)
        if kind == "section" and record.get("project") in self.projects:
            targets.add(self.projects[record["project"]]["workspace"])
        return targets

    def _container_targets(self, container: dict[str, Any]) -> set[str]:
        task = self.tasks.get(container["gid"])
        return self._task_targets(task) if task else set()

    def _task_targets(self, task: dict[str, Any]) -> set[str]:
        targets: set[str] = set()
        seen = 0
        while task is not None and seen < 50:
            targets.add(task["gid"])
            targets.update(m["project"] for m in task.get("memberships", ()))
            if task.get("workspace"):
                targets.add(task["workspace"])
            task = self.tasks.get(task.get("parent")) if task.get("parent") else None
            seen += 1
        return targets

    # ---------------------------------------------------------------- persistence
    def attach_state(self, name: str, part: Any) -> None:
        """Save ``part`` (``to_json()``/``from_json(document)``) under ``name`` in the data file.

        If the last file loaded held ``name``, ``part`` is restored from it now. A part stays
        attached through :meth:`reset` and keeps its state when a file without ``name`` loads.
        """
        self.state_parts[name] = part
        document = self.pending_parts.pop(name, None)
        if document is not None:
            part.from_json(document)

    def to_json(self) -> dict[str, Any]:
        """The whole state as a JSON-able document."""
        document = {
            "version": 1,
            "next_gid": self.next_gid,
            "event_seq": self.event_seq,
            "custom_id_counters": self.custom_id_counters,
            "meta": self.meta,
            "tables": {name: getattr(self, name) for name in TABLES.values()},
            "blobs": {gid: base64.b64encode(data).decode() for gid, data in self.blobs.items()},
        }
        document.update(self.pending_parts)
        for name, part in self.state_parts.items():
            document[name] = part.to_json()
        return document

    def from_json(self, document: dict[str, Any]) -> None:
        """Replace the state with ``document`` (from :meth:`to_json`)."""
        self.reset()
        self.next_gid = int(document.get("next_gid", FIRST_GID))
        self.event_seq = int(document.get("event_seq", 0))
        self.custom_id_counters = dict(document.get("custom_id_counters", {}))
        self.meta = dict(document.get("meta", {}))
        for kind, attribute in TABLES.items():
            table = getattr(self, attribute)
            table.update(document.get("tables", {}).get(attribute, {}))
        self.blobs = {g: base64.b64decode(d) for g, d in document.get("blobs", {}).items()}
        for name, value in document.items():
            if name in CORE_KEYS:
                continue
            part = self.state_parts.get(name)
            if part is None:
                self.pending_parts[name] = value
            else:
                part.from_json(value)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` atomically."""
        target = os.fspath(path)
        folder = os.path.dirname(os.path.abspath(target))
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=folder)
        try:
            text = json.dumps(self.to_json(), separators=(",", ":"))  # C encoder: 3x json.dump
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read the state from ``path``; a file that is not a saved sandbox raises ValueError."""
        with open(path, encoding="utf-8") as stream:
            try:
                document = json.load(stream)
            except ValueError as exc:
                raise _not_a_data_file(path, f"invalid JSON: {exc}") from None
        if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
            raise _not_a_data_file(path, "it holds no `tables`")
        self.from_json(document)


def _not_a_data_file(path: str | os.PathLike[str], why: str) -> ValueError:
    return ValueError(f"{os.fspath(path)} is not a sandbox data file ({why}); delete it to "
                      "start again from the seed data")
