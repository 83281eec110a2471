"""The presets whose partner class is a langchain-openai `BaseChatOpenAI`."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible.preset import Preset
from chatplex.providers.compatible.presets_chat_openai import CEREBRAS
from chatplex.providers.compatible.presets_chat_openai import DEEPSEEK
from chatplex.providers.compatible.presets_chat_openai import NEBIUS
from chatplex.providers.compatible.presets_chat_openai import TOGETHER
from chatplex.providers.compatible.presets_chat_openai import XAI

ROWS = (DEEPSEEK, XAI, TOGETHER, CEREBRAS, NEBIUS)


def _name(row: Preset) -> str:
    return row.profile.name


@pytest.mark.parametrize("row", ROWS, ids=_name)
def test_each_row_counts_and_names_versions_as_a_base_chat_openai(row: Preset) -> None:
    dropin = row.named_dropin
    assert dropin is not None
    assert dropin.counts_with_tiktoken
    assert dropin.versions is not None and dropin.versions[0] == "langchain-openai"
