"""The client package's public names are curated and stable."""

import inspect

import asana_adaptor.client as client_package
from asana_adaptor.client import AsanaClient


def test_exported_names_are_pinned_and_sorted():
    """__all__ is sorted and lists exactly the public API."""
    assert client_package.__all__ == sorted(client_package.__all__)
    assert set(client_package.__all__) == {
        "AmbiguousWriteError", "AsanaClient", "AsanaError", "AsanaResponse",
        "AuthenticationError", "BadRequestError", "BatchResult", "ClientSettings",
        "ConfigurationError", "ForbiddenError", "InvalidRequestError", "JobError", "NotFoundError",
        "PreconditionFailedError", "PremiumRequiredError", "RateLimitedError", "RateLimiter",
        "RetryPolicy", "ServerError", "TransportError", "USER_AGENT", "VirtualClock",
        "equal_jitter", "error_from_response", "no_jitter",
    }
    assert all(hasattr(client_package, name) for name in client_package.__all__)


def test_constructor_keeps_the_signature_the_run_context_uses():
    """AsanaClient(configuration, *, transport, logger, retry, limiter, timeout)."""
    parameters = inspect.signature(AsanaClient).parameters
    assert list(parameters) == ["configuration", "transport", "logger", "retry", "limiter", "timeout"]
    assert all(p.kind is p.KEYWORD_ONLY for name, p in parameters.items() if name != "configuration")


def test_public_methods_are_documented():
    """Every public method of AsanaClient has a docstring."""
    for name, member in inspect.getmembers(AsanaClient, inspect.isfunction):
        if not name.startswith("_"):
            assert member.__doc__, name
