"""External data on tasks: ``external: {gid, data}`` and ``external:<gid>`` references.

An app stores its own id (and a string of data) on a task; from then on ``external:<its id>``
stands in for the task's gid anywhere a task gid goes: in paths (``GET /tasks/external:abc``)
and in bodies (``parent``, ``dependencies``...). The external id is unique among tasks.

Asana lets only OAuth apps set ``external``. The sandbox treats every token as a personal
access token unless it was added as an OAuth token (``Sandbox(oauth_tokens=[...])`` or
``sandbox.add_token(token, oauth=True)``): a PAT that sends ``external`` gets a 403 that says
so. Any token may read ``external`` (it is opt-in: ``opt_fields=external``) and use
``external:<id>`` references.

>>> _external_key("external:abc")
'abc'
"""

from __future__ import annotations

from typing import Any

from ..errors import Forbidden, invalid, unknown_object

PREFIX = "external:"
MAX_DATA_LENGTH = 1024


def _external_key(reference: str) -> str | None:
    """The external id in ``external:<id>``, or None for anything else."""
    if isinstance(reference, str) and reference.startswith(PREFIX):
        return reference[len(PREFIX):]
    return None


class ExternalModel:
    """Setting ``external`` on tasks and resolving ``external:<id>`` references."""

    acting_oauth: bool = False  # set per request: whether the token is an OAuth token

    def resolve_external(self, reference: Any, param: str | None = None) -> str:
        """The task gid ``reference`` stands for (``reference`` itself unless ``external:``)."""
        key = _external_key(reference)
        if key is None:
            return reference
        for task in self.tasks.values():
            external = task.get("external")
            if external and external["gid"] == key:
                return task["gid"]
        raise unknown_object(reference, param)

    def set_external(self, task: dict[str, Any], value: Any) -> bool:
        """Apply an ``external`` value from a create/update body; True when it changed."""
        if not self.acting_oauth:
            raise Forbidden("external: Setting external data requires an OAuth access token; "
                            "personal access tokens cannot set it. Leave external out.")
        if value is None:
            changed = task.get("external") is not None
            task["external"] = None
            return changed
        if not isinstance(value, dict) or not isinstance(value.get("gid"), str) \
                or not value["gid"].strip():
            raise invalid("external", 'Must be an object {"gid": "<your id>", "data": "..."} '
                          "with a non-empty string gid")
        data = value.get("data")
        if data is not None and not isinstance(data, str):
            raise invalid("external", "external.data must be a string")
        if data is not None and len(data) > MAX_DATA_LENGTH:
            raise invalid("external", f"external.data is longer than {MAX_DATA_LENGTH} "
                          "characters")
        gid = value["gid"].strip()
        for other in self.tasks.values():
            external = other.get("external")
            if other is not task and external and external["gid"] == gid:
                raise invalid("external", f"external.gid {gid!r} is already used by task "
                              f"{other['gid']}")
        new = {"gid": gid} if data is None else {"gid": gid, "data": data}
        changed = task.get("external") != new
        task["external"] = new
        return changed
