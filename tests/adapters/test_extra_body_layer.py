"""The constructor's `extra_body` as a layer of a model's one body: what it covered
comes back and what it added goes where a call gives its own; through a plain
`ChatModel` whose adapter holds it, with the partner calls its LangChain class hands
down. Side by side with the partners: tests/partners/compatible/
test_preset_call_extra_body.py, tests/partners/anthropic/test_anthropic_moved_extra_body.py."""

from __future__ import annotations

from chatplex.adapters import extra_body_layer as layers
from chatplex.adapters.extra_body_layer import ExtraBodyLayer
from chatplex.chat.model import ChatModel
from chatplex.langchain.traits import partner_calls
from chatplex.providers.openai.adapter import OpenAIAdapter


def _model(layer: ExtraBodyLayer | None) -> ChatModel:
    adapter = OpenAIAdapter(api_key="sk-test")
    if layer is not None:
        layers.with_layer(adapter, layer)
    model = ChatModel(adapter, "gpt-4")
    model.partner_calls = partner_calls(adapter)  # (as chatplex.langchain hands it down)
    return model


def test_under_gives_back_what_the_layer_covered_and_drops_what_it_added() -> None:
    layer = ExtraBodyLayer.over({"user": "m", "seed": 1}, {"user": "e", "a": 1})
    assert layer.shadowed == {"user": "m"}
    assert layer.under({"user": "e", "a": 1, "seed": 1}) == {"user": "m", "seed": 1}


def test_no_extra_body_is_an_empty_layer() -> None:
    assert ExtraBodyLayer.over({"user": "m"}, None) == ExtraBodyLayer()
    assert ExtraBodyLayer().under({"user": "m"}) == {"user": "m"}


def test_the_constructors_extra_body_is_a_layer_a_calls_own_replaces() -> None:
    body = {"user": "m", "seed": 1}
    layer = ExtraBodyLayer.over(body, {"user": "e", "a": 1})
    model = _model(layer)
    model.extra_body.update({**body, **layer.given})
    # A call's body field is covered by the constructor's extra_body (merged last).
    assert model.bind(user="x", seed=2)._settings({}).extra_body == {
        "user": "e",
        "seed": 2,
        "a": 1,
    }
    # A call giving an extra_body of its own runs on a copy without the constructor's.
    called = layers.call_model(model, {"extra_body": {"b": 2}})
    assert called is not model and called.extra_body == {"user": "m", "seed": 1}
    assert called.adapter.extra_body_layer == ExtraBodyLayer()  # type: ignore[union-attr]
    assert model.adapter.extra_body_layer == layer  # type: ignore[union-attr]
    assert called.bind(user="x")._settings({}).extra_body == {"user": "x", "seed": 1}
    assert model.extra_body == {"user": "e", "seed": 1, "a": 1}
    assert layers.call_model(model, {"seed": 3}) is model


def test_a_model_holding_no_layer_is_called_as_it_is() -> None:
    model = _model(None)
    assert layers.call_model(model, {"extra_body": {"b": 2}}) is model
    assert model.bind(user="x")._settings({}).extra_body == {"user": "x"}
