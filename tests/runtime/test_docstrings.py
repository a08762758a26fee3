"""The examples written in the runtime's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import asana_adaptor.runtime as runtime

MODULES = sorted(info.name for info in pkgutil.iter_modules(runtime.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    """Every `>>>` example in the module gives the output shown."""
    module = importlib.import_module(f"asana_adaptor.runtime.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
