"""The presets with no partner reading to match: Hugging Face, local servers, Hyperbolic."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible.preset import Preset
from chatplex.providers.compatible.presets_default_reading import HUGGINGFACE
from chatplex.providers.compatible.presets_default_reading import HYPERBOLIC
from chatplex.providers.compatible.presets_default_reading import LMSTUDIO
from chatplex.providers.compatible.presets_default_reading import VLLM

ROWS = (HUGGINGFACE, VLLM, LMSTUDIO, HYPERBOLIC)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.profile.name)
def test_each_row_keeps_chatplex_s_reading_of_chat_completions(row: Preset) -> None:
    assert row.profile.style is None
