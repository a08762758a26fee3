"""Custom field values on tasks: validating and storing a ``{field_gid: value}`` map.

A value is accepted only for a field on one of the task's projects, must fit the field's type
(text at most 1,024 characters, an enabled option of the field for enum and multi_enum...), and
each change is recorded as a system story and an event.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, invalid
from ..parsing import as_gid, as_list


class FieldValuesModel:
    """Writing custom field values on tasks."""

    def task_field_gids(self, task: dict[str, Any]) -> list[str]:
        """Fields that apply to ``task`` (from its projects' settings), in order."""
        seen: dict[str, None] = {}
        for membership in task["memberships"]:
            for gid in self.project_field_gids(membership["project"]):
                seen.setdefault(gid, None)
        return list(seen)

    def write_custom_fields(self, task: dict[str, Any], mapping: Any, *, record: bool,
                            dry_run: bool = False) -> list[tuple[str, Any, Any]]:
        """Validate (and unless ``dry_run`` apply) a ``{field_gid: value}`` map."""
        if not isinstance(mapping, dict):
            raise invalid("custom_fields", "Must be an object mapping custom field gids to "
                          "values, e.g. {\"12345\": \"High\"}")
        applicable = set(self.task_field_gids(task))
        coerced: list[tuple[dict[str, Any], Any]] = []
        for key, value in mapping.items():
            field = self.custom_fields.get(str(key))
            if field is None:
                raise invalid("custom_fields", f"Unknown custom field: {key}")
            if field["gid"] not in applicable and value is not None:
                raise invalid("custom_fields", f"Custom field with ID {key} ({field['name']}) is "
                              "not on any of the task's projects; add it to a project with "
                              "addCustomFieldSetting first")
            if field.get("id_prefix") and value is not None:
                raise invalid("custom_fields", f"{field['name']} is a custom ID field and is "
                              "read-only")
            coerced.append((field, self._coerce_value(field, value)))
        changes = []
        for field, value in coerced:
            old = task["custom_fields"].get(field["gid"])
            if old != value:
                changes.append((field["gid"], old, value))
        if dry_run:
            return changes
        for field, value in coerced:
            if value is None:
                task["custom_fields"].pop(field["gid"], None)
            else:
                task["custom_fields"][field["gid"]] = value
        if record:
            compact = self.compact("task", task)
            for field_gid, old, new in changes:
                field = self.custom_fields[field_gid]
                entry = self.custom_field_entry(field, task)
                self.add_system_story(
                    task, f"{field['resource_subtype']}_custom_field_changed",
                    f"changed {field['name']} to \"{entry['display_value']}\"" if new is not None
                    else f"cleared {field['name']}", custom_field=field_gid,
                    **self._story_values(field, old, new))
                self.record_event(compact, "changed", change={
                    "field": "custom_fields", "action": "changed",
                    "new_value": {"gid": field_gid, "resource_type": "custom_field",
                                  "resource_subtype": field["resource_subtype"]}})
        return changes

    def _story_values(self, field: dict[str, Any], old: Any, new: Any) -> dict[str, Any]:
        kind = field["resource_subtype"]
        if kind == "enum":
            return {"old_enum_value": old, "new_enum_value": new}
        if kind == "text":
            return {"old_text_value": old, "new_text_value": new}
        if kind == "number":
            return {"old_number_value": old, "new_number_value": new}
        if kind == "date":
            return {"old_date_value": old, "new_date_value": new}
        if kind == "people":
            return {"old_people_value": old or [], "new_people_value": new or []}
        if kind == "multi_enum":
            return {"old_multi_enum_values": old or [], "new_multi_enum_values": new or []}
        return {}

    def _coerce_value(self, field: dict[str, Any], value: Any) -> Any:
        if value is None:
            return None
        kind = field["resource_subtype"]
        label = f"custom_fields: {field['name']} ({field['gid']})"
        if kind == "text":
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise BadRequest(f"{label}: A text value must be a string")
            text = str(value)
            limit = self.settings.max_text_length
            if len(text) > limit:
                raise BadRequest(f"{label}: Text values are limited to {limit} characters "
                                 f"(got {len(text)})")
            return text
        if kind == "number":
            if isinstance(value, bool):
                raise BadRequest(f"{label}: A number value must be a number")
            if isinstance(value, str):
                try:
                    value = float(value) if any(c in value for c in ".eE") else int(value)
                except ValueError:
                    raise BadRequest(f"{label}: Not a number: {value!r}") from None
            if not isinstance(value, (int, float)):
                raise BadRequest(f"{label}: A number value must be a number")
            return value
        if kind == "enum":
            gid = value.get("gid") if isinstance(value, dict) else value
            if not isinstance(gid, (str, int)) or isinstance(gid, bool):
                raise BadRequest(f"{label}: An enum value must be the gid of one of its options")
            return self._option(field, str(gid), label)
        if kind == "multi_enum":
            values = value if isinstance(value, list) else [value]
            gids = []
            for item in values:
                gid = item.get("gid") if isinstance(item, dict) else item
                if not isinstance(gid, (str, int)) or isinstance(gid, bool):
                    raise BadRequest(f"{label}: multi_enum values must be option gids")
                option = self._option(field, str(gid), label)
                if option not in gids:
                    gids.append(option)
            return gids
        if kind == "date":
            return self._coerce_date(value, label)
        if kind == "people":
            values = value if isinstance(value, list) else [value]
            gids = []
            for item in values:
                user = self.get_user(item.get("gid") if isinstance(item, dict) else item,
                                     "custom_fields")
                if user["gid"] not in gids:
                    gids.append(user["gid"])
            return gids
        if kind == "reference":
            return [as_gid(item, "custom_fields") for item in as_list(value, "custom_fields")]
        raise BadRequest(f"{label}: Unsupported custom field type")

    def _option(self, field: dict[str, Any], gid: str, label: str) -> str:
        if gid not in field["enum_options"]:
            names = ", ".join(
                f"{self.enum_options[g]['name']} ({g})" for g in field["enum_options"]
            )
            raise BadRequest(f"{label}: enum option {gid} is not an option of this field; "
                             f"options are: {names}")
        if not self.enum_options[gid]["enabled"]:
            raise BadRequest(f"{label}: enum option {gid} is disabled")
        return gid

    def _coerce_date(self, value: Any, label: str) -> dict[str, Any]:
        if isinstance(value, dict):
            if value.get("date_time"):
                stamp = self.parse_datetime(value["date_time"], "custom_fields")
                return {"date": stamp[:10], "date_time": stamp}
            if value.get("date"):
                return {"date": self.parse_date(value["date"], "custom_fields"), "date_time": None}
            raise BadRequest(f"{label}: A date value is \"YYYY-MM-DD\", {{\"date\": ...}} or "
                             "{\"date_time\": ...}")
        if isinstance(value, str):
            if "T" in value:
                stamp = self.parse_datetime(value, "custom_fields")
                return {"date": stamp[:10], "date_time": stamp}
            return {"date": self.parse_date(value, "custom_fields"), "date_time": None}
        raise BadRequest(f"{label}: A date value is \"YYYY-MM-DD\", {{\"date\": ...}} or "
                         "{\"date_time\": ...}")
