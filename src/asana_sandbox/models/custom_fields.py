"""Custom fields, enum options, and custom field values on tasks (§5 of Asana's rules)."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, PaymentRequired, invalid, missing
from ..parsing import as_gid, as_list, as_str, parse_bool
from ..views import OMIT, Final, Kind, Ref, Rendered, ref, refs, register, render

TYPES = ("text", "enum", "multi_enum", "number", "date", "people", "reference")
FORMATS = ("currency", "identifier", "percentage", "custom", "duration", "none")
COLORS = ("dark-pink", "dark-green", "dark-blue", "dark-red", "dark-teal", "dark-brown",
          "dark-orange", "dark-purple", "dark-warm-gray", "light-pink", "light-green",
          "light-blue", "light-red", "light-teal", "light-brown", "light-orange",
          "light-purple", "light-warm-gray", "none")
_SLOT = {"text": "text_value", "number": "number_value", "enum": "enum_value",
         "multi_enum": "multi_enum_values", "date": "date_value", "people": "people_value",
         "reference": "reference_value"}

_FULL = ("gid", "resource_type", "name", "type", "enum_options", "enabled",
         "representation_type", "id_prefix", "input_restrictions", "is_formula_field",
         "description", "precision", "format", "currency_code", "custom_label",
         "custom_label_position", "is_global_to_workspace", "has_notifications_enabled",
         "asana_created_field", "is_value_read_only", "created_by", "privacy_setting",
         "default_access_level", "resource_subtype")

register(Kind(
    "custom_field", ("gid", "resource_type", "name", "resource_subtype", "type",
                     "is_formula_field", "is_value_read_only"), _FULL,
    nested=("gid", "resource_type", "name", "resource_subtype", "type"),
    getters={
        "type": lambda b, r: r["resource_subtype"],
        "enum_options": lambda b, r: (refs("enum_option", r["enum_options"])
                                      if r["resource_subtype"] in ("enum", "multi_enum") else OMIT),
        "created_by": lambda b, r: ref("user", r.get("created_by")),
        "representation_type": lambda b, r: ("custom_id" if r.get("id_prefix")
                                             else r["resource_subtype"]),
        "precision": lambda b, r: OMIT if r.get("precision") is None else r["precision"],
        "input_restrictions": lambda b, r: r.get("input_restrictions") or OMIT,
    },
))
register(Kind("enum_option", ("gid", "resource_type", "name", "enabled", "color"),
              ("gid", "resource_type", "name", "enabled", "color")))


class CustomFieldsModel:
    """Custom field definitions, their enum options and the values stored on tasks."""

    def _premium_workspace(self, workspace: str) -> None:
        if not self.is_premium(workspace):
            raise PaymentRequired("Custom fields are a premium feature; this workspace is not "
                                  "premium")

    def create_custom_field(self, data: dict[str, Any]) -> dict[str, Any]:
        """createCustomField: needs ``workspace``, ``resource_subtype`` (or ``type``) and ``name``."""
        if data.get("workspace") is None:
            raise missing("workspace")
        workspace = self.get_workspace(as_gid(data["workspace"], "workspace"), "workspace")["gid"]
        self._premium_workspace(workspace)
        subtype = data.get("resource_subtype") or data.get("type")
        if subtype is None:
            raise missing("resource_subtype")
        if subtype not in TYPES:
            raise invalid("resource_subtype", f"Must be one of {', '.join(TYPES)}")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise missing("name")
        for other in self.custom_fields.values():
            if other["workspace"] == workspace and other["name"].lower() == name.lower():
                raise invalid("name", f"A custom field named {name!r} already exists in this "
                              "workspace")
        precision = data.get("precision", 2 if subtype == "number" else None)
        if subtype == "number":
            if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 6:
                raise invalid("precision", "Must be an integer from 0 to 6")
        fmt = data.get("format", "none")
        if fmt not in FORMATS:
            raise invalid("format", f"Must be one of {', '.join(FORMATS)}")
        field = self.new_record("custom_field", {
            "name": name, "resource_subtype": subtype, "workspace": workspace,
            "description": as_str(data.get("description", ""), "description") or "",
            "precision": precision if subtype == "number" else None,
            "format": fmt, "currency_code": data.get("currency_code"),
            "custom_label": data.get("custom_label"),
            "custom_label_position": data.get("custom_label_position"),
            "enum_options": [], "enabled": True, "is_global_to_workspace": True,
            "has_notifications_enabled": parse_bool(data.get("has_notifications_enabled", True),
                                                    "has_notifications_enabled"),
            "asana_created_field": None, "is_value_read_only": bool(data.get("id_prefix")),
            "is_formula_field": False, "created_by": self.acting_user,
            "privacy_setting": data.get("privacy_setting", "public_with_guests"),
            "default_access_level": data.get("default_access_level", "editor"),
            "id_prefix": as_str(data["id_prefix"], "id_prefix") if data.get("id_prefix") else None,
            "input_restrictions": data.get("input_restrictions", []) if subtype == "reference"
            else None,
        })
        if subtype in ("enum", "multi_enum"):
            options = data.get("enum_options") or []
            if not isinstance(options, list):
                del self.custom_fields[field["gid"]]
                raise invalid("enum_options", "Must be an array of {name, color?, enabled?}")
            try:
                for option in options:
                    self._new_option(field, option)
            except BadRequest:
                for gid in field["enum_options"]:
                    self.enum_options.pop(gid, None)
                del self.custom_fields[field["gid"]]
                raise
        self.record_event(self.compact("custom_field", field), "added",
                          parent=self.compact("workspace", self.workspaces[workspace]))
        return field

    def _new_option(self, field: dict[str, Any], data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) \
                or not data["name"].strip():
            raise missing("name")
        if len(field["enum_options"]) >= 500:
            raise invalid("enum_options", "A custom field can have at most 500 enum options")
        color = data.get("color", "none")
        if color not in COLORS:
            raise invalid("color", f"Must be one of {', '.join(COLORS)}")
        option = self.new_record("enum_option", {
            "name": data["name"], "color": color,
            "enabled": parse_bool(data.get("enabled", True), "enabled"),
            "_field": field["gid"],
        })
        field["enum_options"].append(option["gid"])
        self.option_cache.clear()
        return option

    def get_custom_field(self, field_gid: Any, param: str | None = None) -> dict[str, Any]:
        return self.lookup("custom_field", field_gid, param)

    def get_custom_fields_for_workspace(self, workspace: str) -> list[dict[str, Any]]:
        self.get_workspace(workspace)
        return [f for f in self.custom_fields.values() if f["workspace"] == workspace]

    def update_custom_field(self, field_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """updateCustomField: type and workspace never change; options have their own endpoints."""
        field = self.get_custom_field(field_gid)
        for name in ("resource_subtype", "type", "workspace"):
            if name in data and data[name] != field.get(name if name != "type"
                                                        else "resource_subtype"):
                raise invalid(name, "Cannot be changed after the custom field is created")
        if "enum_options" in data:
            raise invalid("enum_options", "Use POST /custom_fields/{gid}/enum_options and "
                          "PUT /enum_options/{gid} to change options")
        if "name" in data:
            if not isinstance(data["name"], str) or not data["name"].strip():
                raise invalid("name", "Must be a non-empty string")
            field["name"] = data["name"]
        for name in ("description", "currency_code", "custom_label", "custom_label_position",
                     "privacy_setting", "default_access_level"):
            if name in data:
                field[name] = data[name]
        if "format" in data:
            if data["format"] not in FORMATS:
                raise invalid("format", f"Must be one of {', '.join(FORMATS)}")
            field["format"] = data["format"]
        if "precision" in data and field["resource_subtype"] == "number":
            precision = data["precision"]
            if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 6:
                raise invalid("precision", "Must be an integer from 0 to 6")
            field["precision"] = precision
        if "enabled" in data:
            field["enabled"] = parse_bool(data["enabled"], "enabled")
        if "has_notifications_enabled" in data:
            field["has_notifications_enabled"] = parse_bool(data["has_notifications_enabled"],
                                                            "has_notifications_enabled")
        self.option_cache.clear()
        self.record_event(self.compact("custom_field", field), "changed",
                          change={"field": "name", "action": "changed",
                                  "new_value": field["name"]})
        return field

    def delete_custom_field(self, field_gid: str) -> None:
        field = self.get_custom_field(field_gid)
        for setting in list(self.custom_field_settings.values()):
            if setting["custom_field"] == field_gid:
                project = self.projects.get(setting["project"])
                if project and setting["gid"] in project["_settings"]:
                    project["_settings"].remove(setting["gid"])
                del self.custom_field_settings[setting["gid"]]
        for task in self.tasks.values():
            task["custom_fields"].pop(field_gid, None)
        for option in field["enum_options"]:
            self.enum_options.pop(option, None)
        self.option_cache.clear()
        self.record_event(self.compact("custom_field", field), "deleted")
        del self.custom_fields[field_gid]

    # enum options
    def create_enum_option(self, field_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """createEnumOptionForCustomField: last unless insert_before/insert_after."""
        field = self.get_custom_field(field_gid)
        if field["resource_subtype"] not in ("enum", "multi_enum"):
            raise invalid("custom_field", "Only enum and multi_enum fields have options")
        before, after = data.get("insert_before"), data.get("insert_after")
        if before is not None and after is not None:
            raise BadRequest("insert_before, insert_after: Only one may be specified")
        anchor = before if before is not None else after
        hint = "insert_before" if before is not None else "insert_after"
        if anchor is not None:
            anchor = as_gid(anchor, hint)
            if anchor not in field["enum_options"]:
                raise invalid(hint, "Must be an option of this custom field")
        option = self._new_option(field, data)
        if anchor is not None:
            field["enum_options"].remove(option["gid"])
            index = field["enum_options"].index(anchor) + (0 if before is not None else 1)
            field["enum_options"].insert(index, option["gid"])
            self.option_cache.clear()
        return option

    def insert_enum_option(self, field_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        """insertEnumOptionForCustomField: move ``enum_option`` before/after another."""
        field = self.get_custom_field(field_gid)
        if data.get("enum_option") is None:
            raise missing("enum_option")
        gid = as_gid(data["enum_option"], "enum_option")
        if gid not in field["enum_options"]:
            raise invalid("enum_option", "Must be an option of this custom field")
        before, after = data.get("before_enum_option"), data.get("after_enum_option")
        if (before is None) == (after is None):
            raise BadRequest("before_enum_option, after_enum_option: Exactly one must be "
                             "specified")
        param = "before_enum_option" if before is not None else "after_enum_option"
        anchor = as_gid(before if before is not None else after, param)
        if anchor not in field["enum_options"] or anchor == gid:
            raise invalid(param, "Must be another option of this custom field")
        field["enum_options"].remove(gid)
        field["enum_options"].insert(field["enum_options"].index(anchor)
                                     + (0 if param == "before_enum_option" else 1), gid)
        self.option_cache.clear()
        return self.enum_options[gid]

    def update_enum_option(self, option_gid: str, data: dict[str, Any]) -> dict[str, Any]:
        option = self.lookup("enum_option", option_gid)
        if "name" in data:
            if not isinstance(data["name"], str) or not data["name"].strip():
                raise invalid("name", "Must be a non-empty string")
            option["name"] = data["name"]
        if "color" in data:
            if data["color"] not in COLORS:
                raise invalid("color", f"Must be one of {', '.join(COLORS)}")
            option["color"] = data["color"]
        if "enabled" in data:
            option["enabled"] = parse_bool(data["enabled"], "enabled")
        self.option_cache.clear()
        return option

    # values on tasks
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
            names = ", ".join(f"{self.enum_options[g]['name']} ({g})" for g in field["enum_options"])
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

    def task_custom_fields(self, task: dict[str, Any],
                           wanted: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """The ``custom_fields`` array of a task: every applicable field, set or not.

        ``wanted`` limits each entry to those keys (an opt_fields projection), building less.
        """
        gids = self.task_field_gids(task)
        applicable = set(gids)
        for gid in task["custom_fields"]:
            if gid not in applicable:
                gids.append(gid)
        light = wanted is not None and wanted <= _LIGHT_KEYS
        out: list[dict[str, Any]] = Final() if light else []
        for gid in gids:
            field = self.custom_fields.get(gid)
            if field is not None:
                out.append(self.custom_field_entry(field, task, enabled=gid in applicable,
                                                   wanted=wanted))
        return out

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
            return ", ".join(self.enum_options[g]["name"] for g in value if g in self.enum_options) \
                or None
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
                           enabled: bool = True, wanted: frozenset[str] | None = None) -> dict[str, Any]:
        if wanted is not None and wanted <= _LIGHT_KEYS:
            key = (field["gid"], enabled, wanted)
            static = self.option_cache.get(key)
            if static is None:
                static = {"gid": field["gid"]}
                for name in wanted:
                    if name in _STATIC:
                        static[name] = _STATIC[name](self, field, enabled)
                self.option_cache[key] = static
            entry = dict(static)
            if "display_value" in wanted:
                entry["display_value"] = self._display(field, task["custom_fields"].get(field["gid"]))
            return entry
        kind = field["resource_subtype"]
        value = task["custom_fields"].get(field["gid"])
        entry: dict[str, Any] = {
            "gid": field["gid"], "resource_type": "custom_field", "name": field["name"],
            "resource_subtype": kind, "type": kind, "enabled": enabled and field["enabled"],
            "representation_type": "custom_id" if field.get("id_prefix") else kind,
            "id_prefix": field.get("id_prefix"), "is_formula_field": False,
            "is_value_read_only": bool(field.get("id_prefix")),
        }
        if kind == "text":
            entry["text_value"] = value
        elif kind == "number":
            entry["number_value"] = value
            entry["precision"] = field["precision"]
        elif kind == "enum":
            entry["enum_options"] = self.rendered_options(field)
            entry["enum_value"] = Ref("enum_option", value) if value else None
        elif kind == "multi_enum":
            entry["enum_options"] = self.rendered_options(field)
            entry["multi_enum_values"] = refs("enum_option", value or [])
        elif kind == "date":
            entry["date_value"] = _date_value(value) if value else None
        elif kind == "people":
            entry["people_value"] = refs("user", value or [])
        elif kind == "reference":
            entry["reference_value"] = [{"gid": g} for g in value or []]
        entry["display_value"] = self._display(field, value)
        return entry


def _display_number(field: dict[str, Any], value: Any) -> str:
    return f"{value:.{field['precision'] or 0}f}"


_STATIC = {
    "name": lambda b, f, enabled: f["name"],
    "resource_type": lambda b, f, enabled: "custom_field",
    "resource_subtype": lambda b, f, enabled: f["resource_subtype"],
    "type": lambda b, f, enabled: f["resource_subtype"],
    "enabled": lambda b, f, enabled: enabled and f["enabled"],
    "representation_type": lambda b, f, enabled: "custom_id" if f.get("id_prefix")
    else f["resource_subtype"],
    "id_prefix": lambda b, f, enabled: f.get("id_prefix"),
    "is_formula_field": lambda b, f, enabled: False,
    "is_value_read_only": lambda b, f, enabled: bool(f.get("id_prefix")),
}
_LIGHT_KEYS = frozenset(_STATIC) | {"display_value", "gid"}


def _date_value(stored: dict[str, Any]) -> dict[str, Any]:
    """``{date}`` or ``{date, date_time}`` (the spec has no null date_time)."""
    if stored.get("date_time"):
        return {"date": stored["date"], "date_time": stored["date_time"]}
    return {"date": stored["date"]}
