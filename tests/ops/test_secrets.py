"""The token never shows in errors, logs or the state an operation produces."""

import logging

import pytest

from asana_adaptor.client import AuthenticationError, NotFoundError
from asana_adaptor.ops import get_task, get_user, request

WRONG = "2/1200000000000000/1200000000000001:0123456789abcdef"


def test_wrong_token_error_and_logs_hide_the_token(run, sb, caplog):
    """A 401 raises AuthenticationError whose message and the logs never show the token."""
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as caught:
        run(get_user("me"), state={"configuration": {"token": WRONG, "baseUrl": sb.base_url}})
    assert "Not Authorized" in str(caught.value)
    assert WRONG not in str(caught.value) and WRONG not in repr(caught.value.__dict__)
    assert caplog.records and WRONG not in caplog.text


def test_error_messages_and_logs_hide_the_real_token(run, sb, caplog):
    """A failing call with the valid token shows neither it in the error nor in the logs."""
    caplog.set_level(logging.DEBUG)
    with pytest.raises(NotFoundError) as caught:
        run(get_task("1999999999999999"))
    assert sb.token not in str(caught.value)
    assert "GET /tasks/1999999999999999" in caplog.text and sb.token not in caplog.text


def test_refused_absolute_url_does_not_show_a_token_in_its_query(run):
    """A refused URL carrying a secret-looking parameter is shown masked."""
    with pytest.raises(Exception) as caught:
        run(request("https://evil.example/x?access_token=abc123secret"))
    assert "abc123secret" not in str(caught.value)
