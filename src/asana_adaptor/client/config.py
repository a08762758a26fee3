"""Client settings read from an OpenFn-style ``configuration``, validated at the edge.

Keys (OpenFn's spelling; extra keys are ignored)::

    token        a Personal Access Token or OAuth access token (required, secret)
    baseUrl      the origin Asana is served from (default "https://app.asana.com")
    apiVersion   default "1.0"; the base URL is baseUrl + "/api/" + apiVersion
    timeout      seconds (number), or {"connect": s, "read": s, "write": s, "pool": s}
    rateLimit    requests per minute allowed to this client (default 1500)
    retryTimeout total seconds a call may spend retrying (default 300)

>>> s = ClientSettings.from_configuration({"token": "0/abc"})
>>> s.base_url
'https://app.asana.com/api/1.0'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

import httpx

from .errors import ConfigurationError

__all__ = ["ClientSettings", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT"]

DEFAULT_BASE_URL = "https://app.asana.com"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_RATE_LIMIT = 1500

_TOKEN_FIX = ("Create a Personal Access Token in Asana's developer console "
              "(https://app.asana.com/0/my-apps) and set it as configuration.token.")
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")
_SECRET_PARAM = re.compile(r"token|secret|password|passwd|auth|key|signature", re.I)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute URL, lower-cased, default port dropped."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname or parts.username:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _number(configuration: Mapping[str, Any], key: str, default: float) -> float:
    value = configuration.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigurationError(
            f"configuration.{key} must be a positive number, got {value!r}",
            code="INVALID_CONFIGURATION", key=key,
            fix=f"Set configuration.{key} to a positive number, or remove it for the default "
                f"({default:g}).")
    return float(value)


def _timeout(value: Any) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    fix = ('Set configuration.timeout to a number of seconds (e.g. 60) or to '
           '{"connect": 10, "read": 60}; timeouts cannot be switched off.')
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return httpx.Timeout(float(value), connect=min(10.0, float(value)))
    if isinstance(value, Mapping) and set(value) <= {"connect", "read", "write", "pool"}:
        parts = {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}
        for key, seconds in value.items():
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
                break
            parts[key] = float(seconds)
        else:
            return httpx.Timeout(**parts)
    raise ConfigurationError(f"configuration.timeout is invalid: {value!r}",
                             code="INVALID_CONFIGURATION", key="timeout", fix=fix)


def check_timeout(timeout: httpx.Timeout) -> httpx.Timeout:
    """``timeout`` itself, or a ConfigurationError when any part of it is switched off."""
    if None in (timeout.connect, timeout.read, timeout.write, timeout.pool):
        raise ConfigurationError(
            "every part of the timeout must be set (connect, read, write, pool)",
            code="INVALID_CONFIGURATION", key="timeout",
            fix="Pass httpx.Timeout(60.0, connect=10.0) or similar; timeouts are always on.")
    return timeout


def _token(configuration: Mapping[str, Any]) -> str:
    if "token" not in configuration or configuration["token"] is None:
        raise ConfigurationError("configuration.token is missing", code="MISSING_TOKEN",
                                 key="token", fix=_TOKEN_FIX)
    token = configuration["token"]
    if not isinstance(token, str):
        raise ConfigurationError(
            f"configuration.token must be a string, got {type(token).__name__}",
            code="INVALID_TOKEN", key="token", fix=_TOKEN_FIX)
    token = token.strip()
    if not token:
        raise ConfigurationError("configuration.token is empty", code="MISSING_TOKEN",
                                 key="token", fix=_TOKEN_FIX)
    if token.lower().startswith("bearer "):
        raise ConfigurationError("configuration.token starts with 'Bearer '",
                                 code="INVALID_TOKEN", key="token",
                                 fix="Set configuration.token to the token alone; the client "
                                     "adds 'Bearer ' itself.")
    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in token):
        raise ConfigurationError(
            "configuration.token contains spaces, line breaks or non-ASCII characters",
            code="INVALID_TOKEN", key="token",
            fix="Copy the token again as one line of plain characters. " + _TOKEN_FIX)
    return token


def _base_url(configuration: Mapping[str, Any]) -> tuple[str, str]:
    raw = configuration.get("baseUrl")
    raw = DEFAULT_BASE_URL if raw is None else raw
    fix = f'Set configuration.baseUrl to an origin such as "{DEFAULT_BASE_URL}", or remove it.'
    if not isinstance(raw, str):
        raise ConfigurationError(f"configuration.baseUrl must be a string, got {raw!r}",
                                 code="INVALID_BASE_URL", key="baseUrl", fix=fix)
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"configuration.baseUrl {raw!r} is not an http(s) URL", code="INVALID_BASE_URL",
            key="baseUrl", fix=fix)
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigurationError(
            f"configuration.baseUrl {raw!r} must not carry a query, fragment or credentials",
            code="INVALID_BASE_URL", key="baseUrl", fix=fix)
    prefix = parts.path.rstrip("/")
    if re.search(r"/api/[^/]+$", prefix):
        raise ConfigurationError(
            f"configuration.baseUrl {raw!r} already ends with the API path",
            code="INVALID_BASE_URL", key="baseUrl",
            fix="Drop the '/api/...' part: the client adds '/api/' + configuration.apiVersion.")
    origin = _origin_of(raw.strip())
    if origin is None:
        raise ConfigurationError(f"configuration.baseUrl {raw!r} has an invalid host or port",
                                 code="INVALID_BASE_URL", key="baseUrl", fix=fix)
    return origin, prefix


def _api_version(configuration: Mapping[str, Any]) -> str:
    version = configuration.get("apiVersion")
    if version is None:
        return "1.0"
    if not isinstance(version, str) or not re.fullmatch(r"[A-Za-z0-9._-]+", version):
        raise ConfigurationError(f"configuration.apiVersion must be a string like \"1.0\", "
                                 f"got {version!r}", code="INVALID_CONFIGURATION",
                                 key="apiVersion", fix='Set configuration.apiVersion to "1.0".')
    return version


@dataclass(frozen=True)
class ClientSettings:
    """What the client needs from a configuration; ``token`` is never shown in its repr."""

    token: str
    origin: str        # "https://app.asana.com"
    base_url: str      # "https://app.asana.com/api/1.0"
    timeout: httpx.Timeout
    rate_limit: float
    retry_timeout: float

    def __repr__(self) -> str:
        return f"ClientSettings(base_url={self.base_url!r}, token=***)"

    @classmethod
    def from_configuration(cls, configuration: Any) -> "ClientSettings":
        """Validated settings, or a ConfigurationError naming the key and how to fix it."""
        if not isinstance(configuration, Mapping):
            raise ConfigurationError(
                f"configuration must be an object, got {type(configuration).__name__}",
                code="INVALID_CONFIGURATION",
                fix='Pass a configuration like {"token": "..."} (e.g. state["configuration"]).')
        token = _token(configuration)
        origin, prefix = _base_url(configuration)
        return cls(
            token=token,
            origin=origin,
            base_url=f"{origin}{prefix}/api/{_api_version(configuration)}",
            timeout=_timeout(configuration.get("timeout")),
            rate_limit=_number(configuration, "rateLimit", DEFAULT_RATE_LIMIT),
            retry_timeout=_number(configuration, "retryTimeout", 300.0),
        )

    # -- URLs -------------------------------------------------------------------------------
    def same_origin(self, url: str) -> bool:
        """Whether an absolute ``url`` is on the configured origin (scheme, host and port)."""
        return _origin_of(url) == self.origin

    def relative(self, path: str, *, method: str | None = None) -> str:
        """``path`` made relative to the base URL; absolute URLs only on the base URL itself.

        A relative path (``"/tasks/1"``, ``"tasks/1"``) is returned with a leading slash. An
        absolute URL on another origin raises code ``BASE_URL_MISMATCH``; one on this origin
        but outside the base URL raises ``UNEXPECTED_ABSOLUTE_URL``.
        """
        if not isinstance(path, str) or not path.strip():
            raise ConfigurationError(f"the request path must be a non-empty string, got {path!r}",
                                     code="INVALID_PATH", method=method,
                                     fix='Pass a path relative to the API, like "/tasks/123".')
        path = path.strip()
        if _ABSOLUTE.match(path) or path.startswith("//"):
            shown = self.mask_url(path)
            if not self.same_origin(path):
                raise ConfigurationError(
                    f"refusing to send the token to {shown}: it is not on the configured "
                    f"origin {self.origin}", code="BASE_URL_MISMATCH", method=method,
                    fix='Use a path relative to the API, like "/tasks/123", or point '
                        'configuration.baseUrl at that origin.')
            parts = urlsplit(path)
            base_path = urlsplit(self.base_url).path
            if not (parts.path == base_path or parts.path.startswith(base_path + "/")):
                raise ConfigurationError(
                    f"absolute URL {shown} is outside the API base {self.base_url}",
                    code="UNEXPECTED_ABSOLUTE_URL", method=method,
                    fix='Use a path relative to the API, like "/tasks/123".')
            path = (parts.path[len(base_path):] or "/") + (f"?{parts.query}" if parts.query else "")
        return path if path.startswith("/") else "/" + path

    def mask(self, text: str) -> str:
        """``text`` with the token replaced by ``***``."""
        return text.replace(self.token, "***") if self.token and isinstance(text, str) else text

    def mask_url(self, url: str) -> str:
        """A URL or path fit to show: no token, and the values of secret-looking params hidden."""
        url = self.mask(url)
        if "?" not in url:
            return url
        head, _, query = url.partition("?")
        shown = []
        for pair in query.split("&"):
            key, eq, value = pair.partition("=")
            shown.append(f"{key}=***" if eq and _SECRET_PARAM.search(key) else pair)
        return head + "?" + "&".join(shown)

    def scrub(self, value: Any) -> Any:
        """``value`` (a JSON-like structure) with the token masked in every string."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {self.mask(k) if isinstance(k, str) else k: self.scrub(v)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value
