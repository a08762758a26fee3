"""Custom field values: a person's value turned into what Asana expects, and back.

:func:`convert_value` turns ``"in progress"`` into the option's gid, ``"12"`` into 12,
``"2024-03-05"`` into ``{"date": "2024-03-05"}``, emails into user gids. :func:`value_from_task`
and :func:`same_value` compare a task's stored value with a converted one, so an upsert writes
only what changed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any, Mapping

from .custom_field_catalog import (CustomField, CustomFieldError, EnumOption, loop_lock,
                                   resolve_user)
from .names import AmbiguousNameError, NameIndex, UnknownNameError, closest_names

__all__ = ["TEXT_LIMIT", "convert_value", "gid_or_name", "same_value", "value_from_task"]

TEXT_LIMIT = 1024


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


def gid_or_name(value: Any) -> Any:
    """The ``gid`` (else ``name``) of a record like ``{"gid": ..., "name": ...}``; else ``value``."""
    if isinstance(value, Mapping):
        return value.get("gid") or value.get("name")
    return value


async def _option(client: Any, f: CustomField, value: Any, create_missing: bool) -> str | None:
    wanted = gid_or_name(value)
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


def _with_list_hint(exc: CustomFieldError, f: CustomField, value: Any) -> CustomFieldError:
    """A multi-select given one string of several names ("Water, Land") is told to use a list."""
    if not isinstance(value, str):
        return exc
    parts = [p for p in re.split(r"[,;]" if re.search(r"[,;]", value) else r"\s+", value)
             if p.strip()]
    if len(parts) < 2:
        return exc
    example = [p.strip() for p in parts]
    return CustomFieldError(f"{exc}; {f.name!r} is a multi-select: give a list of option "
                            f"names, such as {example!r}", field=exc.field, choices=exc.choices)


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
        try:
            gids = [await _option(client, f, v, create_missing_options) for v in _as_list(value)]
        except CustomFieldError as exc:
            raise _with_list_hint(exc, f, value) from None
        return list(dict.fromkeys(g for g in gids if g))
    if f.type == "people":
        people = [gid_or_name(v) for v in _as_list(value) if not _blank(gid_or_name(v))]
        return list(dict.fromkeys([await resolve_user(client, cache, p) for p in people]))
    if f.type == "reference":
        return [str(gid_or_name(v)) for v in _as_list(value) if not _blank(gid_or_name(v))]
    return value


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
