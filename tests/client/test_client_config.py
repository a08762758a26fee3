"""Configuration is validated when the client is built, with errors that say how to fix it."""

from __future__ import annotations

import httpx
import pytest

from asana_adaptor.client import AsanaClient, ConfigurationError
from clientkit import TOKEN, run


def build(configuration, **kw):
    client = AsanaClient(configuration, transport=httpx.MockTransport(lambda r: httpx.Response(200)), **kw)
    run(client.aclose())
    return client


def refused(configuration, **kw) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as info:
        build(configuration, **kw)
    return info.value


def test_missing_token_names_the_key_and_the_fix():
    """No token: the error names configuration.token and how to create one."""
    error = refused({"apiVersion": "1.0"})
    assert (error.code, error.key) == ("MISSING_TOKEN", "token")
    assert "configuration.token is missing" in str(error)
    assert "Personal Access Token" in str(error)


def test_non_string_token_is_refused_without_echoing_it():
    """A numeric token is refused; the message names its type, not its value."""
    error = refused({"token": 123456789})
    assert error.code == "INVALID_TOKEN"
    assert "must be a string, got int" in str(error)
    assert "123456789" not in str(error)


def test_blank_token_counts_as_missing():
    """A whitespace-only token is missing."""
    assert refused({"token": "  \n"}).code == "MISSING_TOKEN"


def test_bearer_prefix_is_refused_with_a_fix():
    """A token pasted with 'Bearer ' in front is refused, saying to drop it."""
    error = refused({"token": "Bearer " + TOKEN})
    assert "Bearer" in str(error) and TOKEN not in str(error)


def test_token_with_inner_whitespace_is_refused_without_echoing_it():
    """A token with a line break inside is refused and never shown."""
    error = refused({"token": "abc\ndef-secret"})
    assert error.code == "INVALID_TOKEN" and "def-secret" not in str(error)


def test_surrounding_whitespace_of_a_token_is_dropped():
    """A token read from a file with a trailing newline works."""
    assert build({"token": TOKEN + "\n"}).settings.token == TOKEN


def test_configuration_must_be_a_mapping():
    """A configuration that is not an object is refused clearly."""
    assert "must be an object" in str(refused(None))


def test_default_base_url():
    """Without baseUrl and apiVersion the base is Asana's."""
    assert build({"token": TOKEN}).base_url == "https://app.asana.com/api/1.0"


def test_base_url_and_api_version_compose():
    """baseUrl (trailing slash or not) + /api/ + apiVersion."""
    client = build({"token": TOKEN, "baseUrl": "http://asana-sandbox.local/", "apiVersion": "1.1"})
    assert client.base_url == "http://asana-sandbox.local/api/1.1"


def test_base_url_with_a_proxy_prefix_keeps_it():
    """A baseUrl with a path (a proxy prefix) keeps that path before /api/."""
    client = build({"token": TOKEN, "baseUrl": "https://proxy.example.org/asana"})
    assert client.base_url == "https://proxy.example.org/asana/api/1.0"


@pytest.mark.parametrize("base_url", ["app.asana.com", "ftp://app.asana.com", "https://",
                                      "https://app.asana.com?x=1", 42])
def test_bad_base_url_is_refused(base_url):
    """A baseUrl that is not an http(s) origin is refused with code INVALID_BASE_URL."""
    error = refused({"token": TOKEN, "baseUrl": base_url})
    assert (error.code, error.key) == ("INVALID_BASE_URL", "baseUrl")


def test_base_url_ending_in_the_api_path_is_refused_with_a_fix():
    """baseUrl ending with /api/1.0 is refused, saying the client adds it."""
    error = refused({"token": TOKEN, "baseUrl": "https://app.asana.com/api/1.0"})
    assert "Drop the '/api/...' part" in str(error)


def test_bad_api_version_is_refused():
    """apiVersion must be a string like "1.0"."""
    assert refused({"token": TOKEN, "apiVersion": 1.0}).key == "apiVersion"


def test_timeouts_default_to_connect_10_read_60():
    """Timeouts are on by default: 10 s to connect, 60 s to read."""
    timeout = build({"token": TOKEN}).timeout
    assert (timeout.connect, timeout.read) == (10.0, 60.0)


def test_configuration_timeout_in_seconds():
    """configuration.timeout (seconds) sets the read timeout; connect stays at most 10 s."""
    timeout = build({"token": TOKEN, "timeout": 120}).timeout
    assert (timeout.connect, timeout.read) == (10.0, 120.0)


def test_configuration_timeout_as_parts():
    """configuration.timeout may set each part."""
    timeout = build({"token": TOKEN, "timeout": {"connect": 3, "read": 30}}).timeout
    assert (timeout.connect, timeout.read, timeout.write) == (3.0, 30.0, 60.0)


@pytest.mark.parametrize("value", [0, -5, "60", {"read": None}, {"reed": 5}])
def test_invalid_timeout_is_refused(value):
    """A timeout that is not positive seconds is refused; timeouts cannot be switched off."""
    assert refused({"token": TOKEN, "timeout": value}).key == "timeout"


def test_constructor_timeout_overrides_configuration():
    """The constructor's timeout wins over configuration.timeout."""
    client = build({"token": TOKEN, "timeout": 5}, timeout=httpx.Timeout(7.0, connect=2.0))
    assert (client.timeout.connect, client.timeout.read) == (2.0, 7.0)


def test_constructor_timeout_cannot_switch_timeouts_off():
    """httpx.Timeout(None) is refused."""
    assert refused({"token": TOKEN}, timeout=httpx.Timeout(None)).key == "timeout"


def test_rate_limit_from_configuration():
    """configuration.rateLimit sets the limiter's quota per minute."""
    assert build({"token": TOKEN, "rateLimit": 150}).limiter.per_minute == 150


@pytest.mark.parametrize("value", [0, -1, "fast", True])
def test_invalid_rate_limit_is_refused(value):
    """rateLimit must be a positive number."""
    assert refused({"token": TOKEN, "rateLimit": value}).key == "rateLimit"


def test_retry_timeout_from_configuration():
    """configuration.retryTimeout bounds the total retry time."""
    assert build({"token": TOKEN, "retryTimeout": 30}).retry.timeout == 30


def test_repr_never_shows_the_token():
    """repr() of the client and its settings hides the token."""
    client = build({"token": TOKEN})
    assert TOKEN not in repr(client) and TOKEN not in repr(client.settings)
