"""The SambaNova preset (chatplex/providers/compatible/presets_own_reading/sambanova.py)."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible.presets_own_reading.sambanova import SAMBANOVA
from chatplex.providers.compatible.presets_own_reading.sambanova import SAMBANOVA_USAGE


def test_the_usage_order_is_its_sdk_s_declared_fields() -> None:
    usage = pytest.importorskip("sambanova.types.chat.chat_completion_response").Usage
    assert tuple(usage.model_fields) == SAMBANOVA_USAGE
    style = SAMBANOVA.profile.style
    assert style is not None and style.usage_order == SAMBANOVA_USAGE
