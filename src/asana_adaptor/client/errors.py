"""Errors raised by the Asana client, and the one function that maps a response to an error.

The exception tree::

    AsanaError                      every error the client raises
    ├── ConfigurationError          bad configuration or a URL the token must not go to (found before sending)
    ├── InvalidRequestError         a call the client refuses to send (e.g. a malformed batch action)
    ├── BadRequestError             400: a missing or malformed parameter
    ├── AuthenticationError         401: no token, a wrong token, or the app is disabled
    ├── PremiumRequiredError        402: the feature needs a paid workspace
    ├── ForbiddenError              403: authenticated but not allowed
    ├── NotFoundError               404: unknown route, or the object does not exist or is hidden
    ├── PreconditionFailedError     412: /events sync token missing or expired (carries a fresh ``sync``)
    ├── RateLimitedError            429: a rate limit was hit (carries ``retry_after``)
    ├── ServerError                 5xx: Asana failed (carries the support ``phrase`` on 500)
    ├── TransportError              timeouts and connection errors: no usable response
    ├── AmbiguousWriteError         a write failed after it was sent: it may or may not have happened
    └── JobError                    an Asana job (duplicate, instantiate, export) failed or timed out

Every error carries ``status``, ``method``, ``path`` (relative to the base URL, never the token),
``messages`` (every ``errors[].message`` Asana sent), ``help``, ``phrase`` and ``body``.
``str(error)`` is Asana's own words followed by what to do::

    >>> err = error_from_response(401, {"errors": [{"message": "Not Authorized"}]},
    ...                           method="GET", path="/users/me")
    >>> type(err).__name__, err.messages
    ('AuthenticationError', ['Not Authorized'])
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Mapping

__all__ = [
    "AmbiguousWriteError",
    "AsanaError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ForbiddenError",
    "InvalidRequestError",
    "JobError",
    "NotFoundError",
    "PreconditionFailedError",
    "PremiumRequiredError",
    "RateLimitedError",
    "ServerError",
    "TransportError",
    "error_from_response",
]


class AsanaError(Exception):
    """Base class of every error raised by the Asana client."""

    hint = "Check the request against Asana's API reference."

    def __init__(
        self,
        words: str = "",
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        messages: list[str] | None = None,
        help: str | None = None,
        phrase: str | None = None,
        body: Any = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.messages = list(messages or [])
        self.help = help
        self.phrase = phrase
        self.body = body
        if hint is not None:
            self.hint = hint
        self.words = words or "; ".join(self.messages) or _reason(status)
        super().__init__(self._render())

    def with_hint(self, hint: str) -> "AsanaError":
        """A copy of this error whose message ends with another ``hint`` (what to do)."""
        error = type(self).__new__(type(self))
        error.__dict__.update(self.__dict__)
        error.hint = hint
        error.args = (error._render(),)
        return error

    def _where(self) -> str:
        if self.method and self.path:
            return f"{self.method} {self.path}"
        return self.path or self.method or "request"

    def _render(self) -> str:
        head = f"{self._where()} failed"
        if self.status is not None:
            head += f" with {self.status}"
        text = f"{head}: {self.words.rstrip('.')}"
        if self.phrase:
            text += f' (Asana error phrase "{self.phrase}")'
        return f"{text}. {self.hint}"  # Asana's generic ``help`` link stays in .help


class ConfigurationError(AsanaError):
    """The configuration is missing or invalid, or a URL would send the token elsewhere."""

    hint = "Fix the configuration and run again."

    def __init__(self, words: str, *, code: str, key: str | None = None, fix: str | None = None,
                 method: str | None = None, path: str | None = None) -> None:
        self.code = code
        self.key = key
        super().__init__(words, method=method, path=path, hint=fix or self.hint)

    def _render(self) -> str:
        return f"{self.words.rstrip('.')}. {self.hint}"


class InvalidRequestError(AsanaError, ValueError):
    """The client refuses to send a call whose arguments are malformed."""

    hint = "Fix the call's arguments."
    operation: str | None = None

    def in_operation(self, name: str) -> "InvalidRequestError":
        """A copy whose message names the operation that refused to send (``get_task``)."""
        error = type(self).__new__(type(self))
        error.__dict__.update(self.__dict__)
        error.operation = name
        error.args = (error._render(),)
        return error

    def _where(self) -> str:
        return self.operation or super()._where()

    def _render(self) -> str:
        return f"{self._where()}: {self.words.rstrip('.')}. {self.hint}"


class BadRequestError(AsanaError):
    """400: Asana rejected a missing or malformed parameter."""

    hint = "Check the parameter named in the message against Asana's API reference."


class AuthenticationError(AsanaError):
    """401: the token is missing, wrong or revoked, or the app is disabled in the workspace."""

    hint = ("Check configuration.token: create a Personal Access Token in Asana's developer "
            "console (https://app.asana.com/0/my-apps) and put it in configuration.token.")


class PremiumRequiredError(AsanaError):
    """402: the request is valid but needs a paid (premium) workspace."""

    hint = ("This feature needs a paid Asana plan for the workspace; use a premium workspace "
            "or a call that does not need it.")


class ForbiddenError(AsanaError):
    """403: the token's user is authenticated but not allowed to do this."""

    hint = ("The token's user lacks access to this object: ask for access, or use the token of "
            "a user who has it.")


class NotFoundError(AsanaError):
    """404: the route is unknown, or the object does not exist or is not visible to the token."""

    hint = ("Check the gid and the path, and that the token's user can see the object "
            "(it may have been deleted or sit in another workspace).")


class PreconditionFailedError(AsanaError):
    """412: the /events sync token is missing or expired; ``sync`` holds a fresh one."""

    hint = "Start again from the fresh sync token Asana returned (error.sync)."

    @property
    def sync(self) -> str | None:
        """The fresh sync token Asana sent with the 412, if any."""
        return self.body.get("sync") if isinstance(self.body, dict) else None


class RateLimitedError(AsanaError):
    """429: a rate limit was hit; ``retry_after`` is the wait Asana asked for, in seconds."""

    def __init__(self, words: str = "", *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        wait = f"wait {retry_after:g} s, then retry" if retry_after is not None else "wait, then retry"
        kwargs.setdefault("hint", (
            f"Asana's rate limit was hit: {wait}; lower configuration.rateLimit (requests per "
            "minute) to stay under the plan's quota (150/min on free workspaces)."))
        super().__init__(words, **kwargs)


class ServerError(AsanaError):
    """5xx: Asana failed to handle the request."""

    hint = ("Asana had a server error: try again later; if it persists, quote the error phrase "
            "to Asana support.")


class TransportError(AsanaError):
    """No usable response: a timeout, a refused or dropped connection, a protocol error."""

    hint = ("Check the network connection and configuration.baseUrl; if the request timed out, "
            "raise configuration.timeout (seconds).")

    def __init__(self, words: str, *, sent: bool = True, **kwargs: Any) -> None:
        self.sent = sent
        super().__init__(words, **kwargs)

    def _render(self) -> str:
        return f"{self._where()} could not complete: {self.words.rstrip('.')}. {self.hint}"


class AmbiguousWriteError(AsanaError):
    """A write failed after it was sent, so it may or may not have taken effect."""

    def __init__(self, cause: AsanaError, *, what: str = "the write",
                 verb: str = "applied") -> None:
        self.cause = cause
        self.what = what
        self.verb = verb
        super().__init__(
            cause.words, status=cause.status, method=cause.method, path=cause.path,
            messages=cause.messages, help=cause.help, phrase=cause.phrase, body=cause.body,
            hint=(f"{what[0].upper()}{what[1:]} may or may not have been {verb}: look it up "
                  "before trying again (or pass retry_writes=True when repeating it is harmless)."),
        )

    def _render(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        return (f"{self._where()} failed after it was sent ({status.strip() or 'no response'}: "
                f"{self.words.rstrip('.')}). {self.hint}")


class JobError(AsanaError):
    """An Asana job (duplicate, instantiate, export) failed or did not finish in time."""

    hint = "Look at the job with GET /jobs/{gid}, then try again."


_BY_STATUS: dict[int, type[AsanaError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PremiumRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    412: PreconditionFailedError,
    429: RateLimitedError,
}


def _reason(status: int | None) -> str:
    if status is None:
        return "no response"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                seconds = float(str(value).strip())
            except ValueError:
                return None
            return max(0.0, seconds)
    return None


def error_from_response(
    status: int,
    body: Any,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str] | None = None,
) -> AsanaError:
    """The error for an Asana response with an error ``status`` (>= 400).

    ``body`` is the parsed JSON (or text) of the response; ``path`` must already be free of
    secrets. Every ``errors[].message`` is kept in ``.messages``; ``help`` and ``phrase`` come
    from the first error that has them.
    """
    messages: list[str] = []
    help_link = phrase = None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict):
                if item.get("message") is not None:
                    messages.append(str(item["message"]))
                help_link = help_link or item.get("help")
                phrase = phrase or item.get("phrase")
            elif item is not None:
                messages.append(str(item))
    words = ""
    if not messages and isinstance(body, str) and body.strip():
        words = f"{_reason(status)}: {body.strip()[:200]}"
    fields = dict(status=status, method=method, path=path, messages=messages,
                  help=help_link, phrase=phrase, body=body)
    if status == 429:
        return RateLimitedError(words, retry_after=_retry_after(headers), **fields)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else AsanaError
    return cls(words, **fields)
