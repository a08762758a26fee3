"""The receiver package: its exported names, and the examples in its docstrings."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import asana_adaptor.webhooks as webhooks

MODULES = sorted(info.name for info in pkgutil.iter_modules(webhooks.__path__))


def test_the_exported_names_are_sorted_and_importable():
    """`__all__` is sorted and every name in it exists."""
    assert webhooks.__all__ == sorted(webhooks.__all__)
    assert all(hasattr(webhooks, name) for name in webhooks.__all__)


def test_the_sqlite_inbox_is_an_inbox_store():
    """The SQLite inbox satisfies the storage protocol the receiver depends on."""
    inbox = webhooks.SqliteInbox(":memory:")
    try:
        assert isinstance(inbox, webhooks.InboxStore)
    finally:
        inbox.close()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    """Every `>>>` example in the module gives the output shown."""
    module = importlib.import_module(f"asana_adaptor.webhooks.{name}")
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
