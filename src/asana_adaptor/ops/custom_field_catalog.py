"""Custom field definitions and where they come from: a project's settings or a workspace's
fields, read once per run; users by email or ``me``, looked up once per run.

    catalog = await field_catalog(client, ctx.cache, project_gid="1201")
    catalog.field("grievance  status").options   # found by a forgiven spelling of its name
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Mapping

from ..client.errors import NotFoundError
from .names import AmbiguousNameError, NameIndex, UnknownNameError

__all__ = ["CustomField", "CustomFieldError", "EnumOption", "FieldCatalog", "SETTINGS_FIELDS",
           "WORKSPACE_FIELDS", "client_key", "field_catalog", "list_all", "loop_lock",
           "resolve_user"]

_FIELD_ATTRS = (
    "name", "resource_subtype", "type", "precision", "enum_options", "enum_options.name",
    "enum_options.enabled", "enum_options.color", "is_formula_field", "representation_type",
    "is_value_read_only",
)
SETTINGS_FIELDS = ",".join(["custom_field"] + [f"custom_field.{a}" for a in _FIELD_ATTRS])
WORKSPACE_FIELDS = ",".join(_FIELD_ATTRS)


class CustomFieldError(ValueError):
    """A custom field or value in a task body cannot be turned into an Asana value.

    ``field`` is the field name as written (or ``None``), ``choices`` the valid names
    (closest first) when a name was not found.
    """

    def __init__(self, message: str, *, field: str | None = None,
                 choices: list[str] | None = None) -> None:
        self.field = field
        self.choices = list(choices or [])
        super().__init__(message)


@dataclass
class EnumOption:
    """One dropdown option of an enum or multi-enum field."""

    gid: str
    name: str
    enabled: bool = True


@dataclass
class CustomField:
    """A custom field definition: what a value must look like."""

    gid: str
    name: str
    type: str
    precision: int | None = None
    options: list[EnumOption] = field(default_factory=list)
    read_only: str | None = None  # why the value cannot be written (formula, custom ID...)
    locks: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, record: Mapping[str, Any]) -> "CustomField":
        kind = record.get("resource_subtype") or record.get("type") or "text"
        read_only = None
        if record.get("is_formula_field") or record.get("representation_type") == "formula":
            read_only = "a formula field"
        elif record.get("representation_type") == "custom_id":
            read_only = "a custom ID field"
        elif record.get("is_value_read_only"):
            read_only = "read-only"
        options = [
            EnumOption(str(o["gid"]), str(o.get("name") or ""), o.get("enabled", True) is not False)
            for o in record.get("enum_options") or []
            if isinstance(o, Mapping) and o.get("gid")
        ]
        return cls(str(record["gid"]), str(record.get("name") or ""), str(kind),
                   record.get("precision"), options, read_only)

    def option_names(self, *, enabled: bool = True) -> list[str]:
        return [o.name for o in self.options if o.enabled is enabled]


class FieldCatalog:
    """The custom fields a task body may use, by gid and by name."""

    def __init__(self, fields: Iterable[CustomField], where: str) -> None:
        self.where = where
        self.fields: list[CustomField] = []
        self.by_gid: dict[str, CustomField] = {}
        self._names: NameIndex[CustomField] = NameIndex(kind="custom field", where=where)
        for f in fields:
            if f.gid not in self.by_gid:
                self.fields.append(f)
                self.by_gid[f.gid] = f
                self._names.add(f.name, f)

    def field(self, key: str) -> CustomField:
        """The field whose gid or name is ``key``; a :class:`CustomFieldError` otherwise."""
        found = self.by_gid.get(str(key))
        if found is not None:
            return found
        try:
            return self._names.find(str(key))
        except (UnknownNameError, AmbiguousNameError) as exc:
            raise CustomFieldError(
                f"{exc}. Use `asana-adaptor describe project <gid>` to list the fields.",
                field=str(key), choices=getattr(exc, "choices", None),
            ) from None


# ---------------------------------------------------------------------------------------------
# Reading the field definitions (once per run per project or workspace)

def loop_lock(holder: dict, key: Any) -> asyncio.Lock:
    """A lock kept in ``holder`` for the running event loop (run caches outlive one loop)."""
    return holder.setdefault((key, id(asyncio.get_running_loop())), asyncio.Lock())


def client_key(client: Any) -> tuple:
    """What identifies the Asana a client talks to, for per-run caches (never the token)."""
    settings = getattr(client, "settings", None)
    token = getattr(settings, "token", None)
    return (getattr(client, "base_url", None), hash(token) if token else id(client))


async def _once(cache: dict, key: tuple, factory: Callable[[], Awaitable[Any]]) -> Any:
    """``factory()``'s result, computed once per ``cache`` even under concurrent callers."""
    task = cache.get(key)
    if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
        task = asyncio.ensure_future(factory())
        cache[key] = task
    try:
        return await asyncio.shield(task)
    except BaseException:
        if task.done() and cache.get(key) is task:
            del cache[key]
        raise


async def list_all(client: Any, path: str, params: Mapping[str, Any]) -> list[dict]:
    """Every item of a list endpoint, 100 per page."""
    items: list[dict] = []
    async for page in client.pages(path, params):
        items.extend(page.data or [])
    return items


async def field_catalog(client: Any, cache: dict, *, project_gid: str | None = None,
                        workspace_gid: str | None = None) -> FieldCatalog:
    """The custom fields of a project (its settings) or, without a project, of a workspace.

    Read once per run (``cache`` is the run's ``ctx.cache``) with one paginated request.
    """
    if project_gid:
        async def load_project() -> FieldCatalog:
            items = await list_all(client, f"/projects/{project_gid}/custom_field_settings",
                                   {"opt_fields": SETTINGS_FIELDS})
            fields = [CustomField.from_api(s["custom_field"]) for s in items
                      if isinstance(s, Mapping) and s.get("custom_field")]
            return FieldCatalog(fields, f"project {project_gid}")

        key = ("custom_fields", client_key(client), "project", str(project_gid))
        return await _once(cache, key, load_project)
    if workspace_gid:
        async def load_workspace() -> FieldCatalog:
            items = await list_all(client, f"/workspaces/{workspace_gid}/custom_fields",
                                   {"opt_fields": WORKSPACE_FIELDS})
            return FieldCatalog([CustomField.from_api(f) for f in items],
                                f"workspace {workspace_gid}")

        key = ("custom_fields", client_key(client), "workspace", str(workspace_gid))
        return await _once(cache, key, load_workspace)
    raise CustomFieldError(
        "custom fields are given by name but the task has no project or workspace to look "
        "them up in: add `projects` (or `workspace`) to the task, or use field gids"
    )


async def resolve_user(client: Any, cache: dict, who: str) -> str:
    """The gid of a user given as a gid, an email or ``"me"`` (one lookup per run each)."""
    who = str(who).strip()
    if who.isdigit():
        return who

    async def load() -> str:
        try:
            response = await client.get(f"/users/{who}", params={"opt_fields": "email,name"})
        except NotFoundError:
            raise CustomFieldError(
                f"no Asana user {who!r}: use the email the person signs in with, 'me', or a "
                "user gid", field=None,
            ) from None
        return str(response.data["gid"])

    return await _once(cache, ("user", client_key(client), who.casefold()), load)
