"""What a tool's docstring says (`adapters/docstrings.py`): its summary and each
parameter's description, in the Napoleon, reST and numpydoc styles."""

from __future__ import annotations

import doctest

import pytest

from chatplex.adapters import docstrings
from chatplex.adapters.docstrings import doc_summary
from chatplex.adapters.docstrings import param_docs


@pytest.mark.parametrize(
    ("doc", "summary", "params"),
    [
        ("One line.", "One line.", {}),
        ("Summary.\n\nParameters\n----------\nx : int\n    Numpy style.", "Summary.", {}),
        ("Summary.\n\n:param x: Described.\n:type x: int", "Summary.", {"x": "Described."}),
        (
            "Summary.\n\nArgs:\n    x: First.\n\n        Second paragraph.\n",
            "Summary.",
            {"x": "First. Second paragraph."},
        ),
        ("Summary.\n\nArgs:\n    x: Ex.\nNote:\n    x: not a param", "Summary.", {"x": "Ex."}),
        ("Summary.\n\nArgs:\n    **kw (int): Keywords.", "Summary.", {"kw": "Keywords."}),
        ("Summary.\n\nExamples:\n    >>> f()", "Summary.", {}),
    ],
)
def test_docstring_parsing(doc: str, summary: str, params: dict[str, str]) -> None:
    assert doc_summary(doc) == summary
    assert param_docs(doc) == params


def test_docstring_examples() -> None:
    result = doctest.testmod(docstrings, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
