"""The Fireworks AI preset (chatplex/providers/compatible/presets_own_reading/fireworks.py)."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible.presets_own_reading.fireworks import FIREWORKS
from chatplex.providers.compatible.presets_own_reading.fireworks import FIREWORKS_USAGE


def test_the_usage_order_is_its_sdk_s_declared_fields() -> None:
    usage_info = pytest.importorskip("fireworks.types.shared.usage_info").UsageInfo
    assert tuple(usage_info.model_fields) == FIREWORKS_USAGE
    style = FIREWORKS.profile.style
    assert style is not None and style.usage_order == FIREWORKS_USAGE
