"""The Asana client: one seam for HTTP, typed errors, retries, rate limiting, pagination, batch.

    from asana_adaptor.client import AsanaClient, NotFoundError

    async with AsanaClient({"token": token}) as client:
        try:
            task = (await client.get("/tasks/123")).data
        except NotFoundError as error:
            print(error)   # GET /tasks/123 failed with 404: ... Check the gid ...
"""

from .client import USER_AGENT, AsanaClient
from .config import ClientSettings
from .errors import (
    AmbiguousWriteError,
    AsanaError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ForbiddenError,
    InvalidRequestError,
    JobError,
    NotFoundError,
    PreconditionFailedError,
    PremiumRequiredError,
    RateLimitedError,
    ServerError,
    TransportError,
    error_from_response,
)
from .ratelimit import RateLimiter
from .response import AsanaResponse, BatchResult
from .retry import RetryPolicy, equal_jitter, no_jitter
from .testing import VirtualClock

__all__ = [
    "AmbiguousWriteError",
    "AsanaClient",
    "AsanaError",
    "AsanaResponse",
    "AuthenticationError",
    "BadRequestError",
    "BatchResult",
    "ClientSettings",
    "ConfigurationError",
    "ForbiddenError",
    "InvalidRequestError",
    "JobError",
    "NotFoundError",
    "PreconditionFailedError",
    "PremiumRequiredError",
    "RateLimitedError",
    "RateLimiter",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "USER_AGENT",
    "VirtualClock",
    "equal_jitter",
    "error_from_response",
    "no_jitter",
]
