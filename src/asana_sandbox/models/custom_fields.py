"""Custom field definitions and their enum options (§5 of Asana's rules).

Values on tasks are in :mod:`.field_values` (writing) and :mod:`.field_entries` (showing).
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, PaymentRequired, invalid, missing
from ..parsing import as_gid, as_str, parse_bool
from ..views import OMIT, Kind, ref, refs, register

TYPES = ("text", "enum", "multi_enum", "number", "date", "people", "reference")
FORMATS = ("currency", "identifier", "percentage", "custom", "duration", "none")
COLORS = ("dark-pink", "dark-green", "dark-blue", "dark-red", "dark-teal", "dark-brown",
          "dark-orange", "dark-purple", "dark-warm-gray", "light-pink", "light-green",
          "light-blue", "light-red", "light-teal", "light-brown", "light-orange",
          "light-purple", "light-warm-gray", "none")

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
    """Custom field definitions and their enum options."""

    def _premium_workspace(self, workspace: str) -> None:
        if not self.is_premium(workspace):
            raise PaymentRequired("Custom fields are a premium feature; this workspace is not "
                                  "premium")

    def create_custom_field(self, data: dict[str, Any]) -> dict[str, Any]:
        """createCustomField: needs ``workspace``, ``resource_subtype`` (or ``type``), ``name``."""
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
            if (
                isinstance(precision, bool)
                or not isinstance(precision, int)
                or not 0 <= precision <= 6
            ):
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
            if (
                isinstance(precision, bool)
                or not isinstance(precision, int)
                or not 0 <= precision <= 6
            ):
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
