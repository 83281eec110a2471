"""`lc_secrets` (what `dumpd` writes as references, and `load` reads back from the
environment) as the partner class answers it: its fields, never their aliases, each
with its partner's environment variable. Where the partner declares none, its `dumpd`
writes the key's field as given; the drop-in keeps a reference there (a key in no dump)."""

from __future__ import annotations

import warnings

import pytest

import chatplex.langchain
from tests.partners._builds import PARTNER_BUILDS

#: Drop-in name -> (partner module, constructor keywords).
CASES = PARTNER_BUILDS

#: Drop-in names with no partner class.
NO_PARTNER = {"ChatChatplex", "ChatHyperbolic"}

#: Where a partner LangChain serializes declares no secrets (its dump writes the key
#: field as it holds it): the drop-in's references, kept so that no dump carries a key.
#: (A partner it does not serialize dumps no field: its `{}` is the drop-in's too; so
#: does one whose credential field every dump excludes, ChatVertexAI's `credentials`.)
KEPT: dict[str, dict[str, str]] = {}


@pytest.fixture(autouse=True)
def _aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")


@pytest.mark.parametrize("name", list(CASES))
def test_lc_secrets_are_the_partner_s(name: str) -> None:
    package, keywords = CASES[name]
    partner = getattr(pytest.importorskip(package), name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = partner(**keywords).lc_secrets
        ours = getattr(chatplex.langchain, name)(**keywords).lc_secrets
    if name in KEPT:
        assert theirs == {} and ours == KEPT[name]
    else:
        assert ours == theirs


def test_every_drop_in_name_is_compared_or_has_no_partner() -> None:
    names = {n for n in chatplex.langchain.__all__ if n.startswith(("Chat", "Azure"))}
    assert names - set(CASES) == NO_PARTNER
