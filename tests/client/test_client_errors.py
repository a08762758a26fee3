"""The error mapping table, what errors carry and what they say."""

from __future__ import annotations

import inspect

import pytest

import asana_adaptor.client.errors as errors_module
from asana_adaptor.client import errors as e
from asana_adaptor.client.errors import error_from_response

ASANA_429 = ("You've made too many requests and hit a rate limit. Please retry after the given "
             "amount of time.")


@pytest.mark.parametrize("status, cls", [
    (400, e.BadRequestError),
    (401, e.AuthenticationError),
    (402, e.PremiumRequiredError),
    (403, e.ForbiddenError),
    (404, e.NotFoundError),
    (412, e.PreconditionFailedError),
    (429, e.RateLimitedError),
    (500, e.ServerError),
    (502, e.ServerError),
    (503, e.ServerError),
    (504, e.ServerError),
    (409, e.AsanaError),
    (451, e.AsanaError),
])
def test_status_maps_to_its_error_class(status, cls):
    """Each status Asana documents maps to exactly one error class."""
    error = error_from_response(status, {"errors": [{"message": "x"}]}, method="GET", path="/x")
    assert type(error) is cls
    assert error.status == status


def test_every_message_asana_sent_is_kept():
    """All errors[].message values are carried, in order, and all appear in str(error)."""
    body = {"errors": [{"message": "project: Missing input"},
                       {"message": "workspace: Missing input"}]}
    error = error_from_response(400, body, method="POST", path="/tasks")
    assert error.messages == ["project: Missing input", "workspace: Missing input"]
    assert "project: Missing input" in str(error) and "workspace: Missing input" in str(error)


def test_error_carries_method_path_help_phrase_and_body():
    """method, path, help, phrase and the parsed body are attributes of the error."""
    body = {"errors": [{"message": "Server Error", "help": "https://asana.example/errors",
                        "phrase": "6 sad squid snuggle softly"}]}
    error = error_from_response(500, body, method="PUT", path="/tasks/1")
    assert (error.method, error.path) == ("PUT", "/tasks/1")
    assert error.help == "https://asana.example/errors"
    assert error.phrase == "6 sad squid snuggle softly"
    assert error.body == body


def test_401_message_is_asanas_words_plus_what_to_do():
    """A 401 reads: Asana's words, then how to get a Personal Access Token."""
    error = error_from_response(401, {"errors": [{"message": "Not Authorized"}]},
                                method="GET", path="/users/me")
    text = str(error)
    assert text.startswith("GET /users/me failed with 401: Not Authorized.")
    assert "check configuration.token" in text.lower()
    assert "Personal Access Token" in text


def test_500_message_quotes_the_support_phrase():
    """A 500's generated phrase is in the message, for Asana support."""
    body = {"errors": [{"message": "Server Error", "phrase": "6 sad squid snuggle softly"}]}
    assert "6 sad squid snuggle softly" in str(error_from_response(500, body, method="GET", path="/x"))


def test_429_carries_retry_after_in_seconds():
    """Retry-After (integer seconds) becomes error.retry_after and is named in the message."""
    error = error_from_response(429, {"errors": [{"message": ASANA_429}]}, method="GET",
                                path="/tasks", headers={"Retry-After": "30"})
    assert isinstance(error, e.RateLimitedError)
    assert error.retry_after == 30.0
    assert "wait 30 s" in str(error)


def test_429_without_retry_after_has_none():
    """A 429 without Retry-After has retry_after None."""
    error = error_from_response(429, {"errors": [{"message": ASANA_429}]}, method="GET", path="/x")
    assert error.retry_after is None


def test_412_exposes_the_fresh_sync_token():
    """The /events 412 body's sync token is error.sync."""
    body = {"errors": [{"message": "Sync token invalid or too old"}], "sync": "de4774f6915eae04714ca93bb2f5ee81"}
    error = error_from_response(412, body, method="GET", path="/events?resource=1")
    assert error.sync == "de4774f6915eae04714ca93bb2f5ee81"


def test_non_json_error_body_falls_back_to_reason_and_text():
    """A proxy's HTML 502 still gives a readable message with the reason phrase."""
    error = error_from_response(502, "<html>Bad gateway</html>", method="GET", path="/x")
    assert isinstance(error, e.ServerError)
    assert error.messages == []
    assert "Bad Gateway" in str(error)


def test_empty_error_body_uses_the_reason_phrase():
    """An error with no body says the HTTP reason phrase."""
    assert "Not Found" in str(error_from_response(404, None, method="GET", path="/tasks/1"))


def test_ambiguous_write_says_it_may_or_may_not_have_been_created():
    """AmbiguousWriteError keeps its cause and says the record may or may not exist."""
    cause = error_from_response(503, {"errors": [{"message": "Service Unavailable"}]},
                                method="POST", path="/tasks")
    error = e.AmbiguousWriteError(cause, what="the task", verb="created")
    assert error.cause is cause and error.status == 503
    assert "the task may or may not have been created" in str(error).lower()


def test_exception_tree_has_one_base():
    """Every error class derives from AsanaError."""
    classes = [c for _, c in inspect.getmembers(errors_module, inspect.isclass)
               if c.__module__ == errors_module.__name__]
    assert len(classes) == 14
    assert all(issubclass(c, e.AsanaError) for c in classes)


def test_every_error_class_has_a_one_line_docstring():
    """Each error class documents itself in one line."""
    for name in errors_module.__all__:
        obj = getattr(errors_module, name)
        if inspect.isclass(obj):
            doc = obj.__doc__ or ""
            assert doc.strip() and "\n" not in doc.strip(), name


def test_the_tree_is_drawn_in_the_module_docstring():
    """The module docstring names every error class in its drawing."""
    for name in errors_module.__all__:
        if name != "error_from_response":
            assert name in errors_module.__doc__, name
