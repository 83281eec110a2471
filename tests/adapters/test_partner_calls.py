"""`PartnerCalls`: how a drop-in's calls retry and fail as its partner's, handed down to
its engine by `chatplex.langchain` (chatplex's own models keep the defaults)."""

from __future__ import annotations

import dataclasses
import doctest

import pytest

from chatplex.adapters import partner_calls
from chatplex.adapters.partner_calls import PartnerCalls
from chatplex.chat.model import ChatModel


def test_the_defaults_are_chatplexs_own_retries_and_errors() -> None:
    own = PartnerCalls()
    assert (own.retries, own.counts_attempts) == (None, False)
    assert (own.kept_responses, own.unknown_keyword) == (frozenset(), None)
    assert ChatModel.partner_calls == own  # what every model holds unless handed one


def test_the_record_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PartnerCalls().retries = frozenset()  # type: ignore[misc]


def test_the_module_examples_hold() -> None:
    failures, tried = doctest.testmod(partner_calls)
    assert (failures, tried > 0) == (0, True)
