"""`adapters/error_detail.py`: FastAPI-shaped error bodies (llama.cpp's server, vLLM,
many gateways): the error's message is the detail text, not the raw JSON; through
`map_error` and end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex import init_chat_model
from chatplex.adapters.error_detail import detail_message
from chatplex.errors import BadRequestError
from chatplex.errors import NotFoundError
from chatplex.errors import ServerError
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.openai.adapter import OpenAIAdapter

BODIES: dict[str, tuple[Any, str]] = {
    "string": ({"detail": "Model not loaded: llama-3"}, "Model not loaded: llama-3"),
    "validation-list": (
        {
            "detail": [
                {"loc": ["body", "messages", 0, "content"], "msg": "field required"},
                {"loc": ["body", "model"], "msg": "str type expected", "type": "type_error"},
            ]
        },
        "body.messages.0.content: field required; body.model: str type expected",
    ),
    "object": ({"detail": {"message": "quota exceeded for team"}}, "quota exceeded for team"),
    "list-of-str": (
        {"detail": ["first problem", "second problem"]},
        "first problem; second problem",
    ),
}


@pytest.mark.parametrize("case", list(BODIES))
@pytest.mark.parametrize("cls", [OpenAIAdapter, AnthropicAdapter])
def test_map_error_uses_the_detail_text(cls: type, case: str) -> None:
    body, text = BODIES[case]
    err = cls(api_key="sk-x").map_error(422, json.dumps(body).encode(), {})
    assert err.message == text and isinstance(err, BadRequestError)
    assert err.body == body  # the decoded body is still there


def test_the_providers_own_shapes_still_come_first() -> None:
    body = {"error": {"message": "the provider's words", "type": "x"}, "detail": "other"}
    err = OpenAIAdapter(api_key="sk-x").map_error(400, json.dumps(body).encode(), {})
    assert err.message == "the provider's words"


def test_no_detail_no_message() -> None:
    for data in (None, [], {"detail": None}, {"detail": []}, {"detail": [{"loc": ["x"]}]}):
        assert detail_message(data) is None


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_end_to_end_the_error_says_the_detail(
    router: respx.MockRouter, provider: str, sync: bool
) -> None:
    name = "openai:gpt-4o-mini" if provider == "openai" else "anthropic:claude-sonnet-4-5"
    base = "http://127.0.0.1:8080" + ("/v1" if provider == "openai" else "")
    chat = init_chat_model(name, base_url=base, max_retries=0)
    router.route().mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))
    # chatplex's model keeps chatplex's words, even with the wire's SDK imported.
    pytest.importorskip(provider)
    with pytest.raises(NotFoundError) as info:
        chat.invoke("x") if sync else await chat.ainvoke("x")
    assert info.value.message == "Not Found"
    assert str(info.value) == f"{provider} 404: Not Found"
    router.route().mock(return_value=httpx.Response(503, json={"detail": "Loading model"}))
    with pytest.raises(ServerError) as info2:
        chat.invoke("x") if sync else await chat.ainvoke("x")
    assert info2.value.message == "Loading model"
