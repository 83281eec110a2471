"""The rule for kept differences, checked over every side-by-side suite (issue 47): under
a LangChain name chatplex behaves as LangChain does, cosmetics included, and differs
only where LangChain's behaviour is itself a failure for the user. So every kept row
(a script's entry in a suite's `DIFFERENCES`) carries one or more `Difference`s, each
with a reason of the closed set `Reason` (LangChain raises, hangs, loses or corrupts
data, or sends a request its provider rejects) and the LangChain outcome that shows it,
in plain words for users (no test names, no repository paths: the documentation shows
them). A row of any other kind fails here."""

from __future__ import annotations

import pytest

from tests import _porting_tables as porting_tables
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import problems


def _scripts(suite: str) -> set[str]:
    return {row.script for row in porting_tables.kept(suite)}


@pytest.mark.parametrize("suite", porting_tables.suites())
def test_every_kept_difference_has_a_closed_reason(suite: str) -> None:
    scripts = _scripts(suite)
    found = []
    for row in porting_tables.kept(suite):
        found += [f"{row.package or ''} {row.script}: {p}" for p in problems(row.why, scripts)]
    assert not found, "kept differences without a valid reason:\n" + "\n".join(found)


def test_every_kept_compat_case_has_a_closed_reason() -> None:
    # The compat suite's kept cases (LangChain scripts ported to chatplex's names) too,
    # each with a check of LangChain's outcome (run by tests/compat/test_compat.py).
    cases = porting_tables.compat_cases()
    names = {c.name for c in cases}
    kept = [c for c in cases if c.status == "deliberate"]
    found = [f"{c.name}: {p}" for c in kept for p in problems(c.kept, names)]
    found += [f"{c.name}: no check of LangChain's outcome" for c in kept if not c.langchain_fails]
    assert not found, "kept compat cases without a valid reason:\n" + "\n".join(found)


def test_a_row_of_another_kind_fails() -> None:
    """The check itself: a plain reason, an empty outcome, a test's name or a path in
    the text each fail; a Difference with a closed reason passes."""
    good = Difference(Reason.LOSES_DATA, "drops the usage", "keeps the usage")
    assert problems(good, {"stream_chunks"}) == []
    assert problems((good, good)) == []
    assert problems("cosmetic, kept: worded alike")
    assert problems(())
    assert problems(Difference(Reason.RAISES, " ", "keeps it"))
    assert problems(Difference("preference", "x", "y"))  # type: ignore[arg-type]
    assert problems(Difference(Reason.HANGS, "as in stream_chunks", "y"), {"stream_chunks"})
    assert problems(Difference(Reason.REJECTED, "x", "see adapters/base.py"))
    assert {r.name for r in Reason} == {"RAISES", "HANGS", "LOSES_DATA", "REJECTED"}
