"""The ``custom_fields`` array of a task as the API shows it.

Each entry describes the field (name, type, options...) and holds the task's value in the slot
of its type (``text_value``, ``enum_value``...) with a ``display_value``. An opt_fields
projection builds only the requested keys, and the parts that do not depend on the task are
built once and reused (``option_cache``, cleared by any change to a field or option; and, while
a list renders, ``render_memo``).
"""

from __future__ import annotations

from typing import Any, Callable

from ..views import Final, Ref, Rendered, refs, render

_SLOT = {  # the key holding a task's value, per field type
    "text": "text_value", "number": "number_value", "enum": "enum_value",
    "multi_enum": "multi_enum_values", "date": "date_value", "people": "people_value",
    "reference": "reference_value"}


class FieldEntriesModel:
    """Showing custom field values on tasks."""

    def task_custom_fields(self, task: dict[str, Any],
                           wanted: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """The ``custom_fields`` array of a task: every applicable field, set or not.

        ``wanted`` limits each entry to those keys (an opt_fields projection): only those slots
        are built.
        """
        flat = wanted is not None and wanted <= _FLAT_KEYS
        if flat and self.render_memo is not None:
            return self._listed_custom_fields(task, wanted, self.render_memo)
        gids, applicable, _ = self._field_slots(task)
        values = task["custom_fields"]
        if values:
            gids = gids + [gid for gid in values if gid not in applicable]
        entries = self._entries(gids, applicable, task, wanted)
        return Final(entries) if flat else entries

    def _listed_custom_fields(self, task: dict[str, Any], wanted: frozenset[str] | None,
                              memo: dict[Any, Any]) -> list[dict[str, Any]]:
        """``task_custom_fields`` for a flat projection while a list renders.

        Tasks on the same projects share the work: the applicable fields and the entries of
        unset fields are built once per response, and so is the entry of each value that
        repeats (an enum option, a number).
        """
        memberships = task["memberships"]
        key = (wanted, *[m["project"] for m in memberships])
        slots = memo.get(key)
        if slots is None:
            gids, applicable, positions = self._field_slots(task)
            blanks = Final(self._entries(gids, applicable, {}, wanted))
            slots = memo[key] = (blanks, applicable, positions)
        blanks, applicable, positions = slots
        values = task["custom_fields"]
        if not values:
            return blanks
        out = Final(blanks)
        fields = self.custom_fields
        for gid, value in values.items():
            index = positions.get(gid)
            value_key = (gid, wanted, value) if type(value) in _HASHABLE else None
            entry = memo.get(value_key) if value_key and index is not None else None
            if entry is None and gid in fields:
                entry = self.custom_field_entry(fields[gid], task, enabled=gid in applicable,
                                                wanted=wanted)
                if value_key and index is not None:
                    memo[value_key] = entry
            if entry is None:
                continue
            if index is None:
                out.append(entry)
            else:
                out[index] = entry
        return out

    def _field_slots(self, task: dict[str, Any]) -> tuple[list[str], frozenset[str],
                                                          dict[str, int]]:
        """(gids of the fields shown on ``task`` in order, gids that apply, their positions)."""
        gids = self.task_field_gids(task)
        fields = self.custom_fields
        shown = [gid for gid in gids if gid in fields]
        return shown, frozenset(gids), {gid: index for index, gid in enumerate(shown)}

    def _entries(self, gids: list[str], applicable: frozenset[str], task: dict[str, Any],
                 wanted: frozenset[str] | None) -> list[dict[str, Any]]:
        fields = self.custom_fields
        holder = task if task else {"custom_fields": {}}
        return [self.custom_field_entry(fields[gid], holder, enabled=gid in applicable,
                                        wanted=wanted) for gid in gids if gid in fields]

    def _display(self, field: dict[str, Any], value: Any) -> str | None:
        """The read-only ``display_value`` of a stored value."""
        if value is None:
            return None
        kind = field["resource_subtype"]
        if kind == "number":
            return _display_number(field, value)
        if kind == "enum":
            option = self.enum_options.get(value)
            return option["name"] if option else None
        if kind == "multi_enum":
            return (
                ", ".join(self.enum_options[g]["name"] for g in value if g in self.enum_options)
                or None
            )
        if kind == "date":
            return value["date_time"] or value["date"]
        if kind == "people":
            return ", ".join(self.users[g]["name"] for g in value if g in self.users) or None
        if kind == "reference":
            return None
        return value

    def rendered_options(self, field: dict[str, Any]) -> Rendered:
        """The compact views of a field's options, rendered once until an option changes."""
        cached = self.option_cache.get(field["gid"])
        if cached is None:
            cached = Rendered(render(self, "enum_option", self.enum_options[g], None)
                              for g in field["enum_options"] if g in self.enum_options)
            self.option_cache[field["gid"]] = cached
        return cached

    def custom_field_entry(self, field: dict[str, Any], task: dict[str, Any],
                           enabled: bool = True,
                           wanted: frozenset[str] | None = None) -> dict[str, Any]:
        """One entry of a task's ``custom_fields``: the field's description and the value.

        ``wanted`` (an opt_fields projection) limits the entry to those keys. The description
        part is built once per field, ``enabled`` and projection (kept in ``option_cache``,
        which every change to a field or option clears); an unset value shares one entry.
        """
        value = task["custom_fields"].get(field["gid"])
        cache = self.option_cache
        key = (field["gid"], enabled, wanted)
        if value is None:
            blank = cache.get(key + ("blank",))
            if blank is not None:
                return blank
        described = cache.get(key)
        if described is None:
            described = cache[key] = self._field_description(field, enabled, wanted)
        kind = field["resource_subtype"]
        slot = _SLOT.get(kind)
        if value is None:
            entry = dict(described)
            if slot is not None and (wanted is None or slot in wanted):
                entry[slot] = [] if kind in _LIST_SLOTS else None
            if wanted is None or "display_value" in wanted:
                entry["display_value"] = None
            cache[key + ("blank",)] = entry
            return entry
        entry = dict(described)
        if slot is not None and (wanted is None or slot in wanted):
            entry[slot] = _slot_value(kind, value)
        if wanted is None or "display_value" in wanted:
            entry["display_value"] = self._display(field, value)
        return entry

    def _field_description(self, field: dict[str, Any], enabled: bool,
                           wanted: frozenset[str] | None) -> dict[str, Any]:
        """The parts of an entry that do not depend on the task's value."""
        kind = field["resource_subtype"]
        described: dict[str, Any] = {"gid": field["gid"]}
        for name, describe in _DESCRIPTION.items():
            if wanted is None or name in wanted:
                described[name] = describe(field, enabled)
        if kind == "number" and (wanted is None or "precision" in wanted):
            described["precision"] = field["precision"]
        if kind in ("enum", "multi_enum") and (wanted is None or "enum_options" in wanted):
            described["enum_options"] = self.rendered_options(field)
        return described

def _slot_value(kind: str, value: Any) -> Any:
    """A set value as the entry shows it (references to options and users)."""
    if kind == "enum":
        return Ref("enum_option", value)
    if kind == "multi_enum":
        return refs("enum_option", value)
    if kind == "people":
        return refs("user", value)
    if kind == "date":
        return _date_value(value)
    if kind == "reference":
        return [{"gid": gid} for gid in value]
    return value


def _display_number(field: dict[str, Any], value: Any) -> str:
    return f"{value:.{field['precision'] or 0}f}"


# the parts of a custom_fields entry that describe the field
_DESCRIPTION: dict[str, Callable[[dict[str, Any], bool], Any]] = {
    "resource_type": lambda f, enabled: "custom_field",
    "name": lambda f, enabled: f["name"],
    "resource_subtype": lambda f, enabled: f["resource_subtype"],
    "type": lambda f, enabled: f["resource_subtype"],
    "enabled": lambda f, enabled: enabled and f["enabled"],
    "representation_type": lambda f, enabled: "custom_id" if f.get("id_prefix")
    else f["resource_subtype"],
    "id_prefix": lambda f, enabled: f.get("id_prefix"),
    "is_formula_field": lambda f, enabled: False,
    "is_value_read_only": lambda f, enabled: bool(f.get("id_prefix")),
}
_LIST_SLOTS = frozenset(("multi_enum", "people", "reference"))
# projections whose entries hold only plain values (no references to render further)
_FLAT_KEYS = frozenset(_DESCRIPTION) | {"gid", "display_value", "text_value", "number_value",
                                        "precision"}
_HASHABLE = frozenset((str, int, float))  # values that can key the per-response memo


def _date_value(stored: dict[str, Any]) -> dict[str, Any]:
    """``{date}`` or ``{date, date_time}`` (the spec has no null date_time)."""
    if stored.get("date_time"):
        return {"date": stored["date"], "date_time": stored["date_time"]}
    return {"date": stored["date"]}
