"""The constructor's `extra_body` as a layer of the engine's one body: what it covered
comes back and what it added goes where a call gives its own."""

from __future__ import annotations

from typing import Any

from chatplex.providers.openai.extra_body_layer import ExtraBodyLayer
from chatplex.providers.openai.extra_body_layer import engine_for_call


class _Engine:
    def __init__(self, body: dict[str, Any], layer: ExtraBodyLayer) -> None:
        self.extra_body = body
        self._extra_body_layer = layer


def test_under_gives_back_what_the_layer_covered_and_drops_what_it_added() -> None:
    layer = ExtraBodyLayer.over({"user": "m", "seed": 1}, {"user": "e", "a": 1})
    assert layer.shadowed == {"user": "m"}
    assert layer.under({"user": "e", "a": 1, "seed": 1}) == {"user": "m", "seed": 1}


def test_no_extra_body_is_an_empty_layer() -> None:
    assert ExtraBodyLayer.over({"user": "m"}, None) == ExtraBodyLayer()
    assert ExtraBodyLayer().under({"user": "m"}) == {"user": "m"}


def test_a_call_with_extra_body_runs_on_a_copy_without_the_layer() -> None:
    layer = ExtraBodyLayer.over({"user": "m"}, {"user": "e"})
    engine = _Engine({"user": "e"}, layer)
    assert engine_for_call(engine, {"seed": 1}) is engine
    called = engine_for_call(engine, {"extra_body": {"c": 3}})
    assert called is not engine and called.extra_body == {"user": "m"}
    assert called._extra_body_layer == ExtraBodyLayer()
    assert engine.extra_body == {"user": "e"} and engine._extra_body_layer is layer
