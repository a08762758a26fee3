"""The examples in the sandbox's docstrings run and show what they claim."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import asana_sandbox


def _modules_with_examples() -> list[str]:
    names = [name for _, name, _ in
             pkgutil.walk_packages(asana_sandbox.__path__, "asana_sandbox.")]
    finder = doctest.DocTestFinder()
    return sorted(name for name in ["asana_sandbox", *names]
                  if any(t.examples for t in finder.find(importlib.import_module(name))))


@pytest.mark.parametrize("name", _modules_with_examples())
def test_docstring_examples_hold(name):
    """Every >>> example in the module gives the output it shows."""
    results = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0 and results.failed == 0
