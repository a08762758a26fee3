"""Edge conditions: a whitelist of expression syntax over state."""

from __future__ import annotations

import pytest

from asana_adaptor.runtime.conditions import Condition, ConditionError

STATE = {"data": {"count": 3, "items": [{"ok": True}, {"ok": False}], "name": "Grievance"},
         "errors": {}}


@pytest.mark.parametrize("text, expected", [
    ('state["data"]["count"] > 2', True),
    ('not state.get("errors")', True),
    ('len(state["data"]["items"]) == 2 and state["data"]["name"].startswith("Griev")', True),
    ('any(i["ok"] for i in state["data"]["items"])', True),
    ('all(i["ok"] for i in state["data"]["items"])', False),
    ('"count" in state["data"] if state["data"] else False', True),
    ('max([1, state["data"]["count"]]) - 1 == 2', True),
])
def test_allowed_conditions_evaluate_against_state(text, expected):
    """Comparisons, boolean logic, subscripts, .get, safe functions and comprehensions work."""
    assert Condition.compile(text)(STATE) is expected


@pytest.mark.parametrize("text, fragment", [
    ("__import__('os').system('true')", "'system' is not allowed"),
    ("__import__('os')", "unknown name '__import__'"),
    ("state.__class__", "attribute '__class__' is not allowed"),
    ("state.data", "to read a key, write ['data']"),
    ("open('/etc/passwd')", "unknown name 'open'"),
    ("(lambda: 1)()", "Lambda is not allowed"),
    ("[x for x in state.__class__.__mro__]", "'__mro__' is not allowed"),
    ("[_ for _ in state]", "the name '_' is not allowed"),
    ("state['data'].__getitem__('count')", "'__getitem__' is not allowed"),
    ("x := 1", "not a Python expression"),
    ("getattr(state, 'data')", "unknown name 'getattr'"),
    ("str.format('{0.__class__}', state)", "'format' is not allowed"),
])
def test_unsafe_conditions_are_rejected_when_compiled(text, fragment):
    """Imports, dunders, lambdas, unknown names and methods are refused with a clear reason."""
    with pytest.raises(ConditionError) as err:
        Condition.compile(text)
    assert fragment in str(err.value)
