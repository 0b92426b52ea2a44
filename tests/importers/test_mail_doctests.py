"""The docstring examples of the mail importers run and give the documented answers (address
parsing, thread roots, workspace names)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["mail", "mbox", "maildir"])
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(f"lumoflow.importers.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
