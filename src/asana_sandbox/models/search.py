"""Task search (premium, at most 100 results, indexing lag) and typeahead.

Search reads an index that trails the tasks by ``settings.search_index_lag`` seconds: each
change of a task queues a copy of it that search sees only once the lag has passed. Until then
a new task is not found, and a changed task is found by what it was (renamed a moment ago, it
still matches its old name). With no lag, search reads the tasks themselves.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from ..clock import parse_timestamp
from ..errors import BadRequest, PaymentRequired, invalid
from ..parsing import parse_bool, parse_limit

_SORTS = {
    "modified_at": lambda t: t["_modified"],
    "created_at": lambda t: t["_created"],
    "completed_at": lambda t: parse_timestamp(t["completed_at"]) if t["completed_at"] else 0.0,
    "due_date": lambda t: t["due_at"] or t["due_on"] or "",
    "likes": lambda t: t["num_likes"],
    "relevance": lambda t: t["_modified"],
}
_DATE_FIELDS = {"due_on": "due_on", "start_on": "start_on", "created_on": "created_at",
                "completed_on": "completed_at", "modified_on": "modified_at"}
_TIME_FIELDS = {"due_at": "due_at", "created_at": "_created", "completed_at": "completed_at",
                "modified_at": "_modified"}
TYPEAHEAD_TYPES = ("actor", "agent", "custom_field", "goal", "project", "project_template",
                   "portfolio", "tag", "task", "team", "user")


class SearchModel:
    """searchTasksForWorkspace and typeaheadForWorkspace."""

    def search_tasks(self, workspace_gid: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """Tasks of the workspace matching Asana's search filters (see ASANA_API §6)."""
        self.get_workspace(workspace_gid)
        if not self.is_premium(workspace_gid):
            raise PaymentRequired("Search is only available to premium users.")
        limit = parse_limit(query["limit"]) if query.get("limit") else \
            self.settings.search_max_results
        tests = self._search_tests(query)
        sort_by = query.get("sort_by", "modified_at")
        if sort_by not in _SORTS:
            raise invalid("sort_by", f"Must be one of {', '.join(_SORTS)}")
        ascending = parse_bool(query["sort_ascending"], "sort_ascending") \
            if "sort_ascending" in query else False
        found = [(indexed, task) for indexed, task in self._indexed_tasks(workspace_gid)
                 if all(test(indexed) for test in tests)]
        key = _SORTS[sort_by]
        found.sort(key=lambda pair: key(pair[0]), reverse=not ascending)
        return [task for _, task in found[: min(limit, self.settings.search_max_results)]]

    # ---------------------------------------------------------------- the index
    def set_search_index_lag(self, seconds: float) -> None:
        """Change the indexing lag; every task is in the index as it is now."""
        self.settings.search_index_lag = float(seconds)
        now = self.clock.monotonic()
        if seconds > 0:
            for gid, task in self.tasks.items():
                if gid not in self.search_index:
                    self.search_index[gid] = [(now, copy.deepcopy(task))]

    def index_task(self, task_gid: str) -> None:
        """Queue the task's current state for search: seen once the indexing lag has passed."""
        index = self.search_index
        lag = self.settings.search_index_lag
        if lag <= 0 and task_gid not in index:
            return  # no lag: search reads the task itself
        task = self.tasks.get(task_gid)
        if task is None:
            index.pop(task_gid, None)
            return
        now = self.clock.monotonic()
        versions = index.setdefault(task_gid, [])
        visible = [version for version in versions if version[0] <= now]
        versions[:] = visible[-1:] + [version for version in versions if version[0] > now]
        versions.append((now + max(lag, 0.0), copy.deepcopy(task)))

    def _indexed_tasks(self, workspace_gid: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(the task as the index knows it, the task) for every task search can see."""
        now = self.clock.monotonic()
        index = self.search_index
        out = []
        for task in self.tasks.values():
            if task["workspace"] != workspace_gid:
                continue
            versions = index.get(task["gid"])
            if versions is None:
                out.append((task, task))
                continue
            seen = None
            for visible_at, version in versions:
                if visible_at <= now:
                    seen = version
            if seen is not None:
                out.append((seen, task))
        return out

    def _ids(self, value: str, param: str, users: bool = False) -> set[str]:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if users:
            return {self.get_user(p, param)["gid"] for p in parts}
        return set(parts)

    def _search_tests(self, query: dict[str, str]) -> list[Callable[[dict[str, Any]], bool]]:
        tests: list[Callable[[dict[str, Any]], bool]] = []
        text = query.get("text")
        if text:
            needle = text.lower()
            tests.append(lambda t: needle in t["name"].lower() or needle in t["notes"].lower())
        if query.get("resource_subtype"):
            subtype = query["resource_subtype"]
            tests.append(lambda t: t["resource_subtype"] == subtype)
        for name, key in (("completed", "completed"),):
            if name in query:
                wanted = parse_bool(query[name], name)
                tests.append(lambda t, w=wanted, k=key: t[k] == w)
        if "is_subtask" in query:
            wanted = parse_bool(query["is_subtask"], "is_subtask")
            tests.append(lambda t: bool(t["parent"]) == wanted)
        if "has_attachment" in query:
            wanted = parse_bool(query["has_attachment"], "has_attachment")
            tests.append(lambda t: any(a["parent"] == t["gid"] for a in
                                       self.attachments.values()) == wanted)
        if "is_blocked" in query:
            wanted = parse_bool(query["is_blocked"], "is_blocked")
            tests.append(lambda t: any(not self.tasks[d]["completed"] for d in t["dependencies"]
                                       if d in self.tasks) == wanted)
        projects_any = self._ids(query["projects.any"], "projects.any") \
            if query.get("projects.any") else None
        sections_any = self._ids(query["sections.any"], "sections.any") \
            if query.get("sections.any") else None
        if projects_any is not None or sections_any is not None:
            tests.append(lambda t: any(
                (projects_any is not None and m["project"] in projects_any)
                or (sections_any is not None and m["section"] in sections_any)
                for m in t["memberships"]))
        for base, getter in (
            ("projects", lambda t: {m["project"] for m in t["memberships"]}),
            ("sections", lambda t: {m["section"] for m in t["memberships"]}),
            ("tags", lambda t: set(t["tags"])),
        ):
            if query.get(f"{base}.not"):
                ids = self._ids(query[f"{base}.not"], f"{base}.not")
                tests.append(lambda t, ids=ids, g=getter: not (g(t) & ids))
            if query.get(f"{base}.all"):
                ids = self._ids(query[f"{base}.all"], f"{base}.all")
                tests.append(lambda t, ids=ids, g=getter: ids <= g(t))
        if query.get("tags.any"):
            ids = self._ids(query["tags.any"], "tags.any")
            tests.append(lambda t: bool(set(t["tags"]) & ids))
        if query.get("teams.any"):
            ids = self._ids(query["teams.any"], "teams.any")
            tests.append(lambda t: any(self.projects[m["project"]]["team"] in ids
                                       for m in t["memberships"] if m["project"] in self.projects))
        for base, getter in (
            ("assignee", lambda t: {t["assignee"]} if t["assignee"] else set()),
            ("followers", lambda t: set(t["followers"])),
            ("created_by", lambda t: {t["created_by"]} if t.get("created_by") else set()),
            ("assigned_by", lambda t: {t["assigned_by"]} if t.get("assigned_by") else set()),
        ):
            if query.get(f"{base}.any"):
                ids = self._ids(query[f"{base}.any"], f"{base}.any", users=True)
                tests.append(lambda t, ids=ids, g=getter: bool(g(t) & ids))
            if query.get(f"{base}.not"):
                ids = self._ids(query[f"{base}.not"], f"{base}.not", users=True)
                tests.append(lambda t, ids=ids, g=getter: not (g(t) & ids))
        for name, key in _DATE_FIELDS.items():
            tests.extend(self._date_tests(query, name, key))
        for name, key in _TIME_FIELDS.items():
            tests.extend(self._time_tests(query, name, key))
        for param, value in query.items():
            if param.startswith("custom_fields."):
                tests.append(self._custom_field_test(param, value))
        return tests

    def _date_tests(self, query: dict[str, str], name: str, key: str) -> list[Callable]:
        tests = []

        def day(task: dict[str, Any]) -> str | None:
            value = task.get(key)
            return value[:10] if value else None

        if name in query:
            wanted = query[name]
            if wanted == "null":
                tests.append(lambda t: day(t) is None)
            else:
                wanted = self.parse_date(wanted, name)
                tests.append(lambda t: day(t) == wanted)
        if query.get(f"{name}.before"):
            bound = self.parse_date(query[f"{name}.before"], f"{name}.before")
            tests.append(lambda t: day(t) is not None and day(t) < bound)
        if query.get(f"{name}.after"):
            bound = self.parse_date(query[f"{name}.after"], f"{name}.after")
            tests.append(lambda t: day(t) is not None and day(t) > bound)
        return tests

    def _time_tests(self, query: dict[str, str], name: str, key: str) -> list[Callable]:
        tests = []

        def moment(task: dict[str, Any]) -> float | None:
            value = task.get(key)
            if value is None:
                return None
            return value if isinstance(value, float) else parse_timestamp(value)

        for suffix, compare in ((".before", lambda a, b: a < b), (".after", lambda a, b: a > b)):
            param = name + suffix
            if query.get(param):
                try:
                    bound = parse_timestamp(query[param])
                except ValueError:
                    raise invalid(param, f"Not a valid date-time: {query[param]}") from None
                tests.append(lambda t, b=bound, c=compare: moment(t) is not None
                             and c(moment(t), b))
        return tests

    def _custom_field_test(self, param: str, value: str) -> Callable[[dict[str, Any]], bool]:
        parts = param.split(".")
        if len(parts) != 3:
            raise invalid(param, "Use custom_fields.<gid>.<operator>")
        _, gid, operator = parts
        field = self.custom_fields.get(gid)
        if field is None:
            raise invalid(param, f"Unknown custom field: {gid}")
        kind = field["resource_subtype"]

        def stored(task: dict[str, Any]) -> Any:
            return task["custom_fields"].get(gid)

        if operator == "is_set":
            wanted = parse_bool(value, param)
            return lambda t: (stored(t) not in (None, [], "")) == wanted
        if kind == "multi_enum":
            raise invalid(param, "Searching on multi_enum custom fields is not supported")
        if operator == "value":
            if kind == "number":
                number = _number(value, param)
                return lambda t: stored(t) is not None and float(stored(t)) == number
            if kind == "date":
                day = self.parse_date(value, param)
                return lambda t: stored(t) is not None and stored(t)["date"] == day
            if kind == "people":
                user = self.get_user(value, param)["gid"]
                return lambda t: user in (stored(t) or [])
            return lambda t: stored(t) == value
        if kind == "text" and operator in ("contains", "starts_with", "ends_with"):
            needle = value.lower()
            check = {"contains": lambda s: needle in s,
                     "starts_with": lambda s: s.startswith(needle),
                     "ends_with": lambda s: s.endswith(needle)}[operator]
            return lambda t: stored(t) is not None and check(stored(t).lower())
        if kind == "number" and operator in ("less_than", "greater_than"):
            number = _number(value, param)
            if operator == "less_than":
                return lambda t: stored(t) is not None and float(stored(t)) < number
            return lambda t: stored(t) is not None and float(stored(t)) > number
        if kind == "date" and operator in ("before", "after"):
            day = self.parse_date(value, param)
            if operator == "before":
                return lambda t: stored(t) is not None and stored(t)["date"] < day
            return lambda t: stored(t) is not None and stored(t)["date"] > day
        raise invalid(param, f"The operator {operator!r} is not supported for {kind} fields")

    def typeahead(
        self, workspace_gid: str, query: dict[str, str]
    ) -> tuple[str, list[dict[str, Any]]]:
        """(resource_type, matches) for typeaheadForWorkspace."""
        self.get_workspace(workspace_gid)
        kind = query.get("resource_type") or query.get("type") or "user"
        if kind not in TYPEAHEAD_TYPES:
            raise invalid("resource_type", f"Must be one of {', '.join(TYPEAHEAD_TYPES)}")
        count = 20
        if query.get("count"):
            try:
                count = int(query["count"])
            except ValueError:
                raise invalid("count", f"Not a valid integer: {query['count']}") from None
            if not 1 <= count <= 100:
                raise invalid("count", "Must be between 1 and 100 inclusive")
        text = (query.get("query") or "").lower()
        if kind in ("actor", "user"):
            kind, pool = "user", [u for u in self.users.values()
                                  if workspace_gid in u["workspaces"]]
        elif kind in ("project", "tag", "task", "custom_field"):
            pool = [r for r in self.tables[kind].values() if r.get("workspace") == workspace_gid]
        elif kind == "team":
            pool = [t for t in self.teams.values() if t["workspace"] == workspace_gid]
        else:
            pool = []
        matches = [r for r in pool if text in (r.get("name") or "").lower()
                   or (kind == "user" and text in r.get("email", "").lower())]
        matches.sort(key=lambda r: (not (r.get("name") or "").lower().startswith(text),
                                    (r.get("name") or "").lower()))
        return kind, matches[:count]


def _number(value: str, param: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise BadRequest(f"{param}: Not a number: {value}") from None
