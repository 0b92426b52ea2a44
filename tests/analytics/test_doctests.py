"""Every docstring example in the analytics package runs and gives the documented answer."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import lumoflow.analytics as pkg

MODULES = sorted(m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    # given
    module = importlib.import_module(name)
    # when
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # then
    assert result.failed == 0
