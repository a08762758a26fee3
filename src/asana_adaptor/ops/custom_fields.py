"""Custom fields by name: turn a task body's human custom field values into API values.

In a task body, ``custom_fields`` may name a field by its gid or its name, and give its value
the way a person would write it::

    {"custom_fields": {
        "Grievance Status": "open",                 # enum option by name
        "Themes": ["Water", "Land"],                # multi-enum option names
        "Focal Point": ["amina@example.org"],       # people by email, "me" or gid
        "Date Entered": "2024-03-05",               # date (or a date / aware datetime object)
        "Households Affected": "12",                # number from a numeric string
        "Reporter": None,                           # None clears the field
    }}

:func:`prepare_task_body` returns the body Asana expects (field gids as keys, option and user
gids, ``{"date": ...}`` objects, numbers). Names are matched by :mod:`.names` (case, spacing,
dash and quote variants are forgiven; nothing else is guessed). The fields come from the
project's custom field settings (or the workspace's custom fields), read once per run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Awaitable, Callable, Iterable, Mapping

from ..client.errors import NotFoundError
from .names import AmbiguousNameError, NameIndex, UnknownNameError, closest_names

# Job scripts see these; the building blocks (field_catalog, FieldCatalog, resolve_user...)
# are imported from this module by name.
__all__ = ["CustomFieldError", "prepare_task_body"]

TEXT_LIMIT = 1024

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


# ---------------------------------------------------------------------------------------------
# Turning one value into what Asana expects

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _number(f: CustomField, value: Any) -> int | float | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CustomFieldError(f"{f.name!r} is a number field; got the boolean {value!r}",
                               field=f.name)
    if isinstance(value, (int, float, Decimal)):
        number: int | float = value if isinstance(value, int) else float(value)
    elif isinstance(value, str):
        text = value.strip()
        if "," in text:
            raise CustomFieldError(
                f"{f.name!r} is a number field and {value!r} is ambiguous: a comma may group "
                "thousands (1,200 = 1200) or mark decimals (1,2 = 1.2); write the number "
                "without separators, with a point for decimals (1200 or 1.2)", field=f.name)
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise CustomFieldError(
                f"{f.name!r} is a number field; {value!r} is not a number (write digits with "
                "an optional sign and decimal point, such as 12 or -3.5)", field=f.name)
        number = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    else:
        raise CustomFieldError(
            f"{f.name!r} is a number field; got {type(value).__name__} {value!r}", field=f.name)
    if isinstance(number, float):
        if not math.isfinite(number):
            raise CustomFieldError(f"{f.name!r} needs a finite number, got {value!r}",
                                   field=f.name)
        if number.is_integer() and f.precision == 0:
            number = int(number)
    return number


def _text(f: CustomField, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise CustomFieldError(
            f"{f.name!r} is a text field; got {type(value).__name__} {value!r}", field=f.name)
    text = value if isinstance(value, str) else str(value)
    if len(text) > TEXT_LIMIT:
        raise CustomFieldError(
            f"{f.name!r} is a text field limited to {TEXT_LIMIT} characters; the value has "
            f"{len(text)} (put long text in the task's notes instead)", field=f.name)
    return text


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _date(f: CustomField, value: Any) -> dict[str, str] | None:
    if _blank(value):
        return None
    if isinstance(value, Mapping) and set(value) & {"date", "date_time"}:
        if value.get("date_time"):
            return {"date_time": str(value["date_time"])}
        return _date(f, value.get("date"))
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise CustomFieldError(
                f"{f.name!r}: the datetime {value.isoformat()} has no time zone; attach one "
                "(e.g. tzinfo=timezone.utc) or pass a date", field=f.name)
        return {"date_time": _utc_iso(value)}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return {"date": dt.date.fromisoformat(text).isoformat()}
            except ValueError:
                pass
        else:
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                moment = None
            if moment is not None and re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
                if moment.tzinfo is None:
                    raise CustomFieldError(
                        f"{f.name!r}: {value!r} has no time zone; add one (such as Z or "
                        "+03:00) or give just the date, YYYY-MM-DD", field=f.name)
                return {"date_time": _utc_iso(moment)}
    raise CustomFieldError(
        f"{f.name!r} is a date field; {value!r} is not a date: write YYYY-MM-DD (such as "
        "2024-03-05) or an ISO datetime with a time zone", field=f.name)


def _option_ref(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get("gid") or value.get("name")
    return value


async def _option(client: Any, f: CustomField, value: Any, create_missing: bool) -> str | None:
    wanted = _option_ref(value)
    if _blank(wanted):
        return None
    if not isinstance(wanted, str):
        raise CustomFieldError(
            f"{f.name!r} is a dropdown; give an option name or gid, got {value!r}", field=f.name)
    for option in f.options:
        if option.gid == wanted:
            return option.gid
    enabled = NameIndex(((o.name, o) for o in f.options if o.enabled), kind="option",
                        where=f"field {f.name!r}")
    try:
        return enabled.find(wanted).gid
    except AmbiguousNameError as exc:
        raise CustomFieldError(str(exc), field=f.name) from None
    except UnknownNameError as exc:
        disabled = NameIndex(((o.name, o) for o in f.options if not o.enabled))
        off = disabled.get(wanted)
        if off is not None:
            raise CustomFieldError(
                f"option {off.name!r} of field {f.name!r} is disabled in Asana; enable it in "
                f"the field's settings or use one of: "
                + ", ".join(repr(n) for n in closest_names(wanted, f.option_names())),
                field=f.name, choices=f.option_names()) from None
        if create_missing:
            return await _create_option(client, f, wanted)
        raise CustomFieldError(
            f"{exc} (or pass create_missing_options=True to add it)",
            field=f.name, choices=exc.choices) from None


async def _create_option(client: Any, f: CustomField, wanted: str) -> str:
    async with loop_lock(f.locks, "options"):  # two records wanting one new option make it once
        for option in f.options:
            if option.enabled and NameIndex([(option.name, option)]).get(wanted):
                return option.gid
        response = await client.post(f"/custom_fields/{f.gid}/enum_options",
                                     {"name": " ".join(wanted.split())})
        record = response.data
        option = EnumOption(str(record["gid"]), str(record.get("name") or wanted),
                            record.get("enabled", True) is not False)
        f.options.append(option)
        return option.gid


async def convert_value(client: Any, cache: dict, f: CustomField, value: Any, *,
                        create_missing_options: bool = False) -> Any:
    """``value`` for field ``f`` as Asana expects it in a write."""
    if f.read_only and value is not None:
        raise CustomFieldError(
            f"{f.name!r} is {f.read_only}: Asana computes its value; remove it from the task "
            "body", field=f.name)
    if f.type == "text":
        return _text(f, value)
    if f.type == "number":
        return _number(f, value)
    if f.type == "date":
        return _date(f, value)
    if f.type == "enum":
        return await _option(client, f, value, create_missing_options)
    if value is None:
        return None
    if f.type == "multi_enum":
        gids = [await _option(client, f, v, create_missing_options) for v in _as_list(value)]
        return list(dict.fromkeys(g for g in gids if g))
    if f.type == "people":
        people = [_option_ref(v) for v in _as_list(value) if not _blank(_option_ref(v))]
        return list(dict.fromkeys([await resolve_user(client, cache, p) for p in people]))
    if f.type == "reference":
        return [str(_option_ref(v)) for v in _as_list(value) if not _blank(_option_ref(v))]
    return value


# ---------------------------------------------------------------------------------------------
# The body as a whole

def _project_of(body: Mapping[str, Any]) -> list[str]:
    projects = body.get("projects") or []
    if isinstance(projects, (str, int)):
        projects = [projects]
    return [str(_option_ref(p)) for p in projects if _option_ref(p)]


async def prepare_task_body(
    client: Any,
    cache: dict,
    body: Mapping[str, Any],
    *,
    project_gid: str | None = None,
    workspace_gid: str | None = None,
    create_missing_options: bool = False,
) -> dict:
    """A copy of ``body`` whose ``custom_fields`` has field gids as keys and raw API values.

    Field names and human values resolve through the custom field settings of
    ``project_gid`` (else of the body's ``projects``, else the fields of ``workspace_gid`` or
    the body's ``workspace``), read once per run into ``cache``. Raises
    :class:`CustomFieldError` naming the field and listing the valid names, closest first.

    Example::

        body = await prepare_task_body(client, ctx.cache, {
            "name": "Fence broken", "projects": ["1201"],
            "custom_fields": {"Grievance Status": "open", "Households Affected": "12"}})
        # body["custom_fields"] == {"1202": "1203", "1204": 12}
    """
    out = dict(body)
    given = body.get("custom_fields")
    if not given:
        return out
    if not isinstance(given, Mapping):
        raise CustomFieldError(
            "custom_fields must be a dict of {field name or gid: value}, got "
            f"{type(given).__name__}")
    projects = [str(project_gid)] if project_gid else _project_of(body)
    workspace = workspace_gid or _option_ref(body.get("workspace"))
    if not projects and not workspace and all(str(k).isdigit() for k in given):
        return out  # raw gids and values, nothing to look up
    catalogs = ([await field_catalog(client, cache, project_gid=p) for p in projects]
                if projects else
                [await field_catalog(client, cache, workspace_gid=str(workspace) if workspace
                                     else None)])
    catalog = catalogs[0] if len(catalogs) == 1 else FieldCatalog(
        [f for c in catalogs for f in c.fields], " / ".join(c.where for c in catalogs))
    resolved: dict[str, Any] = {}
    written_as: dict[str, str] = {}
    for key, value in given.items():
        key = str(key)
        if key.isdigit() and key not in catalog.by_gid:
            resolved[key] = value  # a field gid not on this project: sent as given
            continue
        f = catalog.field(key)
        if f.gid in written_as:
            raise CustomFieldError(
                f"custom field {f.name!r} is given twice, as {written_as[f.gid]!r} and {key!r}; "
                "keep one", field=f.name)
        written_as[f.gid] = key
        resolved[f.gid] = await convert_value(
            client, cache, f, value, create_missing_options=create_missing_options)
    out["custom_fields"] = resolved
    return out


# ---------------------------------------------------------------------------------------------
# Comparing a task's stored value with a prepared one (for upserts that write only changes)

def value_from_task(entry: Mapping[str, Any]) -> Any:
    """The raw write value equivalent to a custom field entry read from a task."""
    kind = entry.get("resource_subtype") or entry.get("type")
    if kind == "text":
        return entry.get("text_value")
    if kind == "number":
        return entry.get("number_value")
    if kind == "enum":
        option = entry.get("enum_value")
        return option.get("gid") if isinstance(option, Mapping) else None
    if kind == "multi_enum":
        return [o["gid"] for o in entry.get("multi_enum_values") or [] if isinstance(o, Mapping)]
    if kind == "people":
        return [p["gid"] for p in entry.get("people_value") or [] if isinstance(p, Mapping)]
    if kind == "reference":
        return [r["gid"] for r in entry.get("reference_value") or [] if isinstance(r, Mapping)]
    if kind == "date":
        value = entry.get("date_value")
        if not value:
            return None
        if value.get("date_time"):
            return {"date_time": value["date_time"]}
        return {"date": value.get("date")}
    return entry.get("display_value")


def _moment(text: Any) -> Any:
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return text


def same_value(stored: Any, wanted: Any) -> bool:
    """True when writing ``wanted`` would leave the stored raw value as it is."""
    if stored in (None, [], "") and wanted in (None, [], ""):
        return True
    if isinstance(stored, list) and isinstance(wanted, list):
        return sorted(map(str, stored)) == sorted(map(str, wanted))
    if isinstance(stored, Mapping) and isinstance(wanted, Mapping):
        if wanted.get("date_time") or stored.get("date_time"):
            return _moment(stored.get("date_time")) == _moment(wanted.get("date_time"))
        return stored.get("date") == wanted.get("date")
    if isinstance(stored, (int, float)) and isinstance(wanted, (int, float)) \
            and not isinstance(stored, bool) and not isinstance(wanted, bool):
        return float(stored) == float(wanted)
    return stored == wanted
