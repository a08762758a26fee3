"""Asana's error wire format: ``{"errors": [{"message", "help", "phrase"?}]}``.

Raise one of these anywhere in a handler or the backend; the app turns it into the response.
``BadRequest("workspace: Missing input")`` is what Asana answers for a missing parameter.
"""

from __future__ import annotations

import random
from typing import Any

HELP = (
    "For more information on API status codes and how to handle them, "
    "read the docs on errors: https://developers.asana.com/docs/errors"
)
RATE_LIMIT_MESSAGE = ("You've made too many requests and hit a rate limit. Please retry after "
                      "the given amount of time.")
TOO_LARGE_MESSAGE = (
    "The result is too large. You should use pagination (may require specifying a workspace)!"
)

_WORDS = (
    ("sad", "happy", "brave", "quiet", "quick", "sleepy", "proud", "tiny"),
    ("squid", "otter", "panda", "heron", "yak", "lemur", "gecko", "moose"),
    ("snuggle", "wander", "giggle", "ponder", "dance", "whistle", "nap", "sing"),
    ("softly", "boldly", "slowly", "gladly", "wildly", "calmly", "oddly", "warmly"),
)


def error_phrase(rng: random.Random | None = None) -> str:
    """A support phrase like Asana's ``"6 sad squid snuggle softly"`` (on 500s only)."""
    r = rng or random
    return " ".join([str(r.randint(2, 30))] + [r.choice(group) for group in _WORDS])


class AsanaError(Exception):
    """An error answered in Asana's format. Subclasses fix the status."""

    status = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "help": HELP}
        if self.status >= 500:
            error["phrase"] = error_phrase()
        body: dict[str, Any] = {"errors": [error]}
        body.update(self.extra)
        return body


class BadRequest(AsanaError):
    """400: a missing or malformed parameter."""

    status = 400


class NotAuthorized(AsanaError):
    """401: no token or an unknown token."""

    status = 401

    def __init__(self, message: str = "Not Authorized") -> None:
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message}]}


class PaymentRequired(AsanaError):
    """402: the feature needs a premium workspace."""

    status = 402


class Forbidden(AsanaError):
    """403: authenticated but not allowed."""

    status = 403


class NotFound(AsanaError):
    """404: unknown object or route."""

    status = 404


class PreconditionFailed(AsanaError):
    """412: only /events, with a fresh sync token in the body."""

    status = 412


class TooManyRequests(AsanaError):
    """429: a rate limiter said no; ``Retry-After`` carries whole seconds."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(RATE_LIMIT_MESSAGE, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = max(1, int(retry_after))


class ServerError(AsanaError):
    """500: server error; the body carries a ``phrase``."""

    status = 500


class ServiceUnavailable(AsanaError):
    """503: the service is unavailable."""

    status = 503


def missing(param: str) -> BadRequest:
    """``BadRequest("<param>: Missing input")``."""
    return BadRequest(f"{param}: Missing input")


def invalid(param: str, problem: str) -> BadRequest:
    """``BadRequest("<param>: <problem>")``."""
    return BadRequest(f"{param}: {problem}")


def unknown_object(gid: Any, param: str | None = None) -> AsanaError:
    """404 for a path object, 400 naming the parameter for a body/query reference."""
    if param:
        return BadRequest(f"{param}: Unknown object: {gid}")
    return NotFound(f"Unknown object: {gid}")
