"""Masking secrets: the rule for which configuration values are secrets, and where."""

from __future__ import annotations

from asana_adaptor.runtime.redact import Redactor

CONFIG = {"token": "2/123/456:abcdef", "apiVersion": "1.0", "workspaceGid": "1200000000000",
          "baseUrl": "https://app.asana.com", "password": "hunt", "note": "short",
          "proxy": "proxy-user-secret", "oauth": {"client_secret": ["s3cr3t!"]}}


def masked(config=CONFIG) -> Redactor:
    redactor = Redactor()
    redactor.add_configuration(config)
    return redactor


def test_the_token_is_masked_anywhere_in_a_string():
    """The token is replaced inside longer text."""
    assert masked().text("Authorization: Bearer 2/123/456:abcdef!") == "Authorization: Bearer ***!"


def test_secret_keys_are_masked_from_four_characters():
    """Values under secret-looking keys (token, password, *secret*) are masked, nested too."""
    redactor = masked()
    assert redactor.text("hunt s3cr3t!") == "*** ***"


def test_other_values_are_masked_from_six_characters_only():
    """Other strings count when they have at least 6 characters; "1.0" and "short" do not."""
    redactor = masked()
    assert redactor.text("proxy-user-secret 1.0 short") == "*** 1.0 short"


def test_public_identifiers_are_not_masked():
    """baseUrl, apiVersion and workspaceGid are kept: they name where data lives."""
    assert masked().text("https://app.asana.com 1200000000000") == \
        "https://app.asana.com 1200000000000"


def test_values_are_masked_in_nested_structures_and_keys():
    """Strings and keys at any depth of dicts and lists are masked."""
    value = {"a": ["x 2/123/456:abcdef"], "2/123/456:abcdef": {"b": ("hunt",)}}
    assert masked().value(value) == {"a": ["x ***"], "***": {"b": ["***"]}}


def test_the_json_escaped_form_of_a_secret_is_masked():
    """A secret containing a quote is also masked where JSON escaped it."""
    redactor = masked({"token": 'ab"cd\\ef'})
    assert redactor.text('{"t": "ab\\"cd\\\\ef"}') == '{"t": "***"}'
