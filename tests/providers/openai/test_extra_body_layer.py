"""The constructor's `extra_body` as a layer of a model's one body: what it covered
comes back and what it added goes where a call gives its own."""

from __future__ import annotations

from chatplex.providers.openai.extra_body_layer import ExtraBodyLayer


def test_under_gives_back_what_the_layer_covered_and_drops_what_it_added() -> None:
    layer = ExtraBodyLayer.over({"user": "m", "seed": 1}, {"user": "e", "a": 1})
    assert layer.shadowed == {"user": "m"}
    assert layer.under({"user": "e", "a": 1, "seed": 1}) == {"user": "m", "seed": 1}


def test_no_extra_body_is_an_empty_layer() -> None:
    assert ExtraBodyLayer.over({"user": "m"}, None) == ExtraBodyLayer()
    assert ExtraBodyLayer().under({"user": "m"}) == {"user": "m"}
