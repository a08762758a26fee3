"""``hooks.yaml``: which paths receive Asana webhooks and what runs for each event.

.. code-block:: yaml

    credentials: creds.json        # optional; default: ASANA_TOKEN
    db: inbox.sqlite               # optional; default: inbox.sqlite beside this file
    max_attempts: 3                # runs per event before it is marked failed (default 3)
    retry_delay: 30                # seconds before the first retry, doubled each time (default 30)
    hooks:
      - path: /asana/grievances
        workflow: examples/grievances/workflow.yaml   # or `job: jobs/on_event.py`
        credential: asana          # optional: which configuration of the credentials file
        filter: {resource_type: task, action: changed}  # optional; a list means "any of"
        handshake: first           # `first` (default) or `replace`
        timeout: 300               # optional: seconds per run

Relative paths are relative to this file. A ``filter`` holds ``resource_type``,
``resource_subtype``, ``action`` and ``fields`` (names of changed fields), as Asana's webhook
filters do; events that pass no filter are stored but not run (``skipped``).

``handshake: first`` accepts a handshake only while the path holds no secret, so nobody can
replace the secret of a live webhook; ``replace`` accepts every handshake, the newest secret
winning (use it while re-creating a webhook, then switch back).

>>> changed_tasks = [{"resource_type": "task", "action": "changed"}]
>>> passes_filters(changed_tasks, {"action": "changed", "resource": {"resource_type": "task"}})
True
>>> passes_filters(changed_tasks, {"action": "added", "resource": {"resource_type": "task"}})
False
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..runtime.documents import read_document
from ..runtime.exitcodes import ExitCode, RunError
from ..runtime.jobfile import display_path

__all__ = ["HookConfig", "HooksConfig", "HooksConfigError", "load_hooks", "parse_hooks",
           "passes_filters"]

HANDSHAKE_POLICIES = ("first", "replace")
FILTER_KEYS = ("resource_type", "resource_subtype", "action", "fields")
ACTIONS = ("changed", "added", "removed", "deleted", "undeleted")
_TOP_KEYS = {"hooks", "credentials", "db", "max_attempts", "retry_delay"}
_HOOK_KEYS = {"path", "workflow", "job", "credential", "filter", "handshake", "timeout"}


class HooksConfigError(ValueError):
    """``hooks.yaml`` is missing, unreadable or malformed; the message says where and how."""


@dataclass(frozen=True)
class HookConfig:
    """One receiving path and the workflow (or job) run for each of its events."""

    path: str
    workflow: Path
    filters: tuple[dict[str, Any], ...] = ()
    credential: str | None = None
    handshake: str = "first"
    timeout: float = 300.0

    def wants(self, event: Mapping[str, Any]) -> bool:
        """Whether ``event`` passes this hook's filters (no filters: every event)."""
        return passes_filters(self.filters, event)


@dataclass
class HooksConfig:
    """The whole file: hooks by path, where credentials and the inbox live, retry policy."""

    hooks: dict[str, HookConfig]
    credentials: Path | None = None
    db: Path = Path("inbox.sqlite")
    max_attempts: int = 3
    retry_delay: float = 30.0
    source: str = "hooks.yaml"


def passes_filters(filters: tuple[dict[str, Any], ...] | list[dict[str, Any]],
                   event: Mapping[str, Any]) -> bool:
    """Asana's rule: an event passes when it matches any filter (or there are none)."""
    if not filters:
        return True
    resource = event.get("resource") or {}
    change = event.get("change") or {}
    for rule in filters:
        if rule.get("resource_type") and rule["resource_type"] != resource.get("resource_type"):
            continue
        if (rule.get("resource_subtype")
                and rule["resource_subtype"] != resource.get("resource_subtype")):
            continue
        if rule.get("action") and rule["action"] != event.get("action"):
            continue
        if rule.get("fields") and change.get("field") not in rule["fields"]:
            continue
        return True
    return False


def _filters(where: str, raw: Any) -> tuple[dict[str, Any], ...]:
    if raw is None:
        return ()
    rules = raw if isinstance(raw, list) else [raw]
    out = []
    for index, rule in enumerate(rules):
        at = f"{where}.filter" + (f"[{index}]" if isinstance(raw, list) else "")
        if not isinstance(rule, dict):
            raise HooksConfigError(f"{at} must be an object like "
                                   "{resource_type: task, action: changed}")
        unknown = set(rule) - set(FILTER_KEYS)
        if unknown:
            raise HooksConfigError(f"{at}: unknown keys {sorted(unknown)} "
                                   f"(allowed: {', '.join(FILTER_KEYS)})")
        if rule.get("action") is not None and rule["action"] not in ACTIONS:
            raise HooksConfigError(f"{at}.action {rule['action']!r} is not one of "
                                   f"{', '.join(ACTIONS)}")
        fields = rule.get("fields")
        if fields is not None and (not isinstance(fields, list)
                                   or not all(isinstance(f, str) for f in fields)):
            raise HooksConfigError(f"{at}.fields must be a list of field names")
        out.append({k: v for k, v in rule.items() if v is not None})
    return tuple(out)


def _number(where: str, value: Any, *, minimum: float, integer: bool = False) -> Any:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value < minimum:
        raise HooksConfigError(f"{where} must be a number >= {minimum:g}, got {value!r}")
    return value


def _hook(source: str, base: Path, raw: Any, index: int) -> HookConfig:
    where = f"{source}: hooks[{index}]"
    if not isinstance(raw, dict):
        raise HooksConfigError(f"{where} must be an object with `path` and `workflow`")
    unknown = set(raw) - _HOOK_KEYS
    if unknown:
        raise HooksConfigError(f"{where}: unknown keys {sorted(unknown)} "
                               f"(allowed: {', '.join(sorted(_HOOK_KEYS))})")
    path = raw.get("path")
    if not isinstance(path, str) or not path.startswith("/") or path.rstrip("/") == "":
        raise HooksConfigError(f"{where}.path must be a URL path such as /asana/grievances, "
                               f"got {path!r}")
    if any(char in path for char in "{}?# ") or path.rstrip("/") == "/healthz":
        raise HooksConfigError(f"{where}.path {path!r} must be a plain URL path (no {{, }}, ?, "
                               "# or spaces, and not /healthz), such as /asana/grievances")
    if ("workflow" in raw) == ("job" in raw):
        raise HooksConfigError(f"{where} ({path}) needs exactly one of `workflow` (a workflow "
                               "file) or `job` (a job file)")
    target = raw.get("workflow", raw.get("job"))
    if not isinstance(target, str) or not target:
        raise HooksConfigError(f"{where} ({path}): `workflow`/`job` must be a file path")
    file = (base / target)
    if not file.is_file():
        raise HooksConfigError(f"{where} ({path}): {target} not found (relative paths are "
                               f"relative to {source})")
    handshake = raw.get("handshake", "first")
    if handshake not in HANDSHAKE_POLICIES:
        raise HooksConfigError(f"{where}.handshake must be `first` or `replace`, got "
                               f"{handshake!r}")
    credential = raw.get("credential")
    if credential is not None and not isinstance(credential, str):
        raise HooksConfigError(f"{where}.credential must be the name of a credential")
    timeout = _number(f"{where}.timeout", raw.get("timeout", 300.0), minimum=0.001)
    return HookConfig(path=path.rstrip("/") or path, workflow=file,
                      filters=_filters(where, raw.get("filter")), credential=credential,
                      handshake=handshake, timeout=float(timeout))


def parse_hooks(doc: Any, *, base: Path, source: str = "hooks.yaml") -> HooksConfig:
    """Check a parsed ``hooks.yaml`` document; paths in it are relative to ``base``."""
    if not isinstance(doc, dict):
        raise HooksConfigError(f"{source}: expected an object with a `hooks` list")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise HooksConfigError(f"{source}: unknown keys {sorted(unknown)} "
                               f"(allowed: {', '.join(sorted(_TOP_KEYS))})")
    raw_hooks = doc.get("hooks")
    if not isinstance(raw_hooks, list) or not raw_hooks:
        raise HooksConfigError(f"{source}: `hooks` must be a non-empty list of "
                               "{path, workflow} entries")
    hooks: dict[str, HookConfig] = {}
    for index, raw in enumerate(raw_hooks):
        hook = _hook(source, base, raw, index)
        if hook.path in hooks:
            raise HooksConfigError(f"{source}: two hooks have the path {hook.path}; "
                                   "paths must be unique")
        hooks[hook.path] = hook
    credentials = doc.get("credentials")
    if credentials is not None:
        if not isinstance(credentials, str):
            raise HooksConfigError(f"{source}: `credentials` must be a file path")
        credentials_path: Path | None = base / credentials
        if not credentials_path.is_file():
            raise HooksConfigError(f"{source}: credentials file {credentials} not found")
    else:
        credentials_path = None
    db = doc.get("db", "inbox.sqlite")
    if not isinstance(db, str) or not db:
        raise HooksConfigError(f"{source}: `db` must be a file path")
    return HooksConfig(
        hooks=hooks, credentials=credentials_path, db=base / db,
        max_attempts=_number(f"{source}: max_attempts", doc.get("max_attempts", 3),
                             minimum=1, integer=True),
        retry_delay=float(_number(f"{source}: retry_delay", doc.get("retry_delay", 30.0),
                                  minimum=0)),
        source=source)


def load_hooks(path: str | Path) -> HooksConfig:
    """Read and check ``hooks.yaml`` (YAML or JSON)."""
    file = Path(path)
    display = display_path(file)
    try:
        doc = read_document(file, display, ExitCode.WORKFLOW_INVALID, "hooks file")
    except RunError as exc:
        raise HooksConfigError(exc.message) from None
    return parse_hooks(doc, base=file.parent, source=display)
