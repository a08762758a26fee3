"""A faithful local Asana: an ASGI app with an in-memory backend, for rehearsals and tests.

>>> from asana_sandbox import Sandbox
>>> sb = Sandbox()                       # the demo workspace
>>> transport = sb.transport()           # httpx transport driving the app in-process
>>> sb.project_gid("Grievances")         # doctest: +ELLIPSIS
'12...'
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

import httpx

from .app import Api
from .control import build_app
from .backend import AsanaBackend
from .clock import ManualClock, SystemClock
from .errors import AsanaError
from .faults import Faults
from .seeds import DEMO_TOKEN, apply_seed
from .settings import SandboxSettings

__all__ = ["DEMO_TOKEN", "AsanaBackend", "AsanaError", "Faults", "ManualClock", "Sandbox",
           "SandboxSettings", "SystemClock"]

DEFAULT_BASE_URL = "http://asana-sandbox.local"


class Sandbox:
    """One local Asana: backend, app, faults and settings.

    ``tokens`` is a list of valid tokens (all owned by the demo user) or a mapping
    ``{token: user gid or email}``; by default only :data:`DEMO_TOKEN` is valid.
    ``data_file`` keeps the state in a JSON file: loaded if it exists, written after every
    successful write request, every events request and on :meth:`close`; a change made by
    another process is picked up on the next request. The Events API's log and sync tokens
    are kept there too, so a token issued by one process is valid in the next. ``oauth_tokens`` are extra valid tokens (owned by the demo
    user) that act as an OAuth app: only they may set a task's ``external`` data; every other
    token is treated as a personal access token.
    """

    def __init__(self, seed: str = "demo", data_file: str | os.PathLike[str] | None = None,
                 tokens: Iterable[str] | Mapping[str, str] | None = None, latency_ms: float = 0,
                 quota: int | None = None, *, jitter_ms: float = 0, rate_limits: bool = True,
                 clock: Any = None, settings: SandboxSettings | None = None,
                 base_url: str = DEFAULT_BASE_URL, oauth_tokens: Iterable[str] = ()) -> None:
        self.seed = seed
        self.clock = clock or SystemClock()
        self.settings = settings or SandboxSettings()
        if quota is not None:
            self.settings.quota = int(quota)
        if not rate_limits:
            self.settings.rate_limits = False
        self.faults = Faults(latency_ms=float(latency_ms), jitter_ms=float(jitter_ms))
        self.base_url = base_url
        self.data_file = os.fspath(data_file) if data_file is not None else None
        self._file_stamp: tuple[int, int] | None = None
        self.backend = AsanaBackend(clock=self.clock, settings=self.settings)
        if self.data_file and os.path.exists(self.data_file):
            self.backend.load(self.data_file)
            self._file_stamp = self._stamp()
        else:
            apply_seed(self.backend, seed)
            if self.data_file:
                self.save()
        self._token_spec = tokens
        self.api = Api(self.backend, tokens={}, settings=self.settings, faults=self.faults,
                       clock=self.clock, persist=self.save if self.data_file else None)
        if self.data_file:
            self.api.reload = self._reload_if_changed
        self._resolve_tokens()
        for token in oauth_tokens:
            self.add_token(token, oauth=True)
        self.app = build_app(self)

    # ------------------------------------------------------------------ tokens, seeds
    def _resolve_tokens(self) -> None:
        spec = self._token_spec
        me = self._demo_user_gid()
        tokens: dict[str, str] = {}
        if spec is None:
            tokens[DEMO_TOKEN] = me
        elif isinstance(spec, Mapping):
            for token, owner in spec.items():
                tokens[token] = self._user_gid(owner) if owner else me
        else:
            for token in spec:
                tokens[str(token)] = me
        for token in self.api.oauth_tokens:  # OAuth tokens outlive a reset
            owner = self.api.tokens.get(token)
            tokens[token] = owner if owner in self.backend.users else me
        self.api.tokens.clear()
        self.api.tokens.update(tokens)

    def _user_gid(self, owner: str) -> str:
        backend = self.backend
        if owner in backend.users:
            return owner
        for user in backend.users.values():
            if user["email"].lower() == str(owner).lower():
                return user["gid"]
        raise ValueError(f"token owner {owner!r} is not a user of the sandbox")

    def _demo_user_gid(self) -> str:
        for user in self.backend.users.values():
            if user["email"] == "sandbox@example.org":
                return user["gid"]
        return next(iter(self.backend.users))

    def add_token(self, token: str, owner: str | None = None, *, oauth: bool = False) -> None:
        """Make ``token`` valid, owned by ``owner`` (gid or email; default the demo user).

        With ``oauth=True`` the token acts as an OAuth app (it may set ``external`` on tasks).
        """
        self.api.tokens[token] = self._user_gid(owner) if owner else self._demo_user_gid()
        if oauth:
            self.api.oauth_tokens.add(token)

    def reset(self, seed: str | None = None) -> None:
        """Back to a freshly seeded state (``seed`` defaults to the one given at start)."""
        self.seed = seed or self.seed
        apply_seed(self.backend, self.seed)
        self.api.limiter.reset()
        self.api.log.clear()
        streams = getattr(self.api, "event_streams", None)
        if streams is not None:  # sync tokens of the old data would lie about the new
            streams.reset()
        self._resolve_tokens()
        if self.data_file:
            self.save()

    # ------------------------------------------------------------------ facade
    @property
    def token(self) -> str:
        """A valid token owned by the demo user (``me``)."""
        me = self._demo_user_gid()
        for token, owner in self.api.tokens.items():
            if owner == me:
                return token
        return next(iter(self.api.tokens))

    @property
    def workspace_gid(self) -> str:
        """Gid of the premium demo workspace."""
        for workspace in self.backend.workspaces.values():
            if workspace.get("_premium"):
                return workspace["gid"]
        return next(iter(self.backend.workspaces))

    @property
    def user_gid(self) -> str:
        """Gid of the demo user (the token's owner)."""
        return self._demo_user_gid()

    def project_gid(self, name: str) -> str:
        """Gid of the project called ``name``."""
        for project in self.backend.projects.values():
            if project["name"] == name:
                return project["gid"]
        raise KeyError(f"no project named {name!r}")

    def custom_field_gid(self, name: str) -> str:
        """Gid of the custom field called ``name``."""
        for field in self.backend.custom_fields.values():
            if field["name"] == name:
                return field["gid"]
        raise KeyError(f"no custom field named {name!r}")

    def enum_option_gid(self, field_name: str, option_name: str) -> str:
        """Gid of the option ``option_name`` of the enum field ``field_name``."""
        field = self.backend.custom_fields[self.custom_field_gid(field_name)]
        for gid in field["enum_options"]:
            if self.backend.enum_options[gid]["name"] == option_name:
                return gid
        raise KeyError(f"{field_name!r} has no option {option_name!r}")

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that drives the app in-process."""
        return httpx.ASGITransport(app=self.app)

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` for ``/api/1.0`` with the token set."""
        headers = {"Authorization": f"Bearer {self.token}"}
        headers.update(kwargs.pop("headers", {}))
        return httpx.AsyncClient(transport=self.transport(), base_url=f"{self.base_url}/api/1.0",
                                 headers=headers, **kwargs)

    def describe(self) -> dict[str, Any]:
        """A summary for the control API and the CLI."""
        return {"seed": self.seed, "workspace_gid": self.workspace_gid,
                "user_gid": self.user_gid,
                "projects": {p["name"]: p["gid"] for p in self.backend.projects.values()}}

    # ------------------------------------------------------------------ persistence
    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.data_file)  # type: ignore[arg-type]
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def _reload_if_changed(self) -> None:
        stamp = self._stamp()
        if stamp is not None and stamp != self._file_stamp:
            self.backend.load(self.data_file)  # type: ignore[arg-type]
            self._file_stamp = stamp

    def save(self) -> None:
        """Write the state to ``data_file`` (no-op without one)."""
        if self.data_file:
            self.backend.save(self.data_file)
            self._file_stamp = self._stamp()

    def close(self) -> None:
        """Flush the state to ``data_file`` when there is one."""
        self.save()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
