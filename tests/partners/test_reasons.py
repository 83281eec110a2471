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

#: Rows that are chatplex's preferences, not LangChain failures, still to become
#: LangChain's behaviour (issue 47): (suite, provider page or None, script) -> what is
#: left to do. This list only shrinks: an entry that is no longer a row fails.
_ERROR = (
    "an error's classes and fields as the partner's: no `code` where the SDK has none "
    "(groq, fireworks, perplexity, sambanova), no langchain_core ModelError where the "
    "partner re-raises the SDK's (groq, perplexity, sambanova) or httpx's (mistralai), "
    "not also google-genai's ClientError (google)"
)
_MISSING_KEY = "no key to a local server: langchain-mistralai's literal `Bearer None`"
_CLIENT_ARGS = "client_args honoured, not refused (a chatplex gap more than a preference)"
PREFERENCES_LEFT: dict[tuple[str, str | None, str], str] = {
    ("compatible", "groq", "error_400"): _ERROR,
    ("compatible", "groq", "error_401"): _ERROR,
    ("compatible", "groq", "error_429"): _ERROR,
    ("compatible", "groq", "error_500"): _ERROR,
    ("compatible", "groq", "error_in_stream_call"): _ERROR,
    ("compatible", "groq", "error_async"): _ERROR,
    ("compatible", "fireworks", "error_400"): _ERROR,
    ("compatible", "fireworks", "error_401"): _ERROR,
    ("compatible", "fireworks", "error_429"): _ERROR,
    ("compatible", "fireworks", "error_500"): _ERROR,
    ("compatible", "fireworks", "error_in_stream_call"): _ERROR,
    ("compatible", "fireworks", "error_async"): _ERROR,
    ("compatible", "mistralai", "error_400"): _ERROR,
    ("compatible", "mistralai", "error_401"): _ERROR,
    ("compatible", "mistralai", "error_429"): _ERROR,
    ("compatible", "mistralai", "error_500"): _ERROR,
    ("compatible", "mistralai", "error_in_stream_call"): _ERROR,
    ("compatible", "mistralai", "error_async"): _ERROR,
    ("compatible", "perplexity", "error_400"): _ERROR,
    ("compatible", "perplexity", "error_401"): _ERROR,
    ("compatible", "perplexity", "error_429"): _ERROR,
    ("compatible", "perplexity", "error_500"): _ERROR,
    ("compatible", "perplexity", "error_in_stream_call"): _ERROR,
    ("compatible", "perplexity", "error_async"): _ERROR,
    ("compatible", "mistralai", "missing_key"): _MISSING_KEY,
    ("compatible", "sambanova", "error_400"): _ERROR,
    ("compatible", "sambanova", "error_401"): _ERROR,
    ("compatible", "sambanova", "error_429"): _ERROR,
    ("compatible", "sambanova", "error_500"): _ERROR,
    ("compatible", "sambanova", "error_in_stream_call"): _ERROR,
    ("compatible", "sambanova", "error_async"): _ERROR,
    ("google", None, "error_400"): _ERROR,
    ("google", None, "error_403"): _ERROR,
    ("google", None, "error_429"): _ERROR,
    ("google", None, "error_async"): _ERROR,
    ("google", None, "error_in_stream"): _ERROR,
    ("google", None, "client_args"): _CLIENT_ARGS,
}


def _scripts(suite: str) -> set[str]:
    return {row.script for row in porting_tables.kept(suite)}


@pytest.mark.parametrize("suite", porting_tables.suites())
def test_every_kept_difference_has_a_closed_reason(suite: str) -> None:
    scripts = _scripts(suite)
    found = []
    for row in porting_tables.kept(suite):
        key = (suite, row.package, row.script)
        if key in PREFERENCES_LEFT:
            continue
        found += [f"{row.package or ''} {row.script}: {p}" for p in problems(row.why, scripts)]
    assert not found, "kept differences without a valid reason:\n" + "\n".join(found)


def test_the_preferences_left_are_still_rows() -> None:
    rows = {
        (suite, row.package, row.script)
        for suite in porting_tables.suites()
        for row in porting_tables.kept(suite)
    }
    assert set(PREFERENCES_LEFT) <= rows, sorted(set(PREFERENCES_LEFT) - rows)


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
