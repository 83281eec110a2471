from __future__ import annotations

import pytest

from chatplex.chat.configuration.router import ModelRouter
from chatplex.chat.fake import FakeChatModel


def _router() -> ModelRouter:
    return ModelRouter(
        {"cheap": "fake:small", "strong": FakeChatModel(model="large", responses=["deep"])},
        lambda text: "strong" if "hard" in text else "cheap",
    )


def test_each_input_goes_to_its_route() -> None:
    router = _router()
    assert router.invoke("easy").response_metadata["model_name"] == "small"
    reply = router.invoke("a hard one")
    assert (reply.text, reply.response_metadata["model_name"]) == ("deep", "large")
    assert [m.response_metadata["model_name"] for m in router.batch(["hard", "x"])] == [
        "large",
        "small",
    ]


async def test_async_and_stream() -> None:
    router = _router()
    assert (await router.ainvoke("hard")).text == "deep"
    assert "".join(c.text for c in router.stream("hard")) == "deep"
    assert "".join([c.text async for c in router.astream("hard")]) == "deep"


def test_unknown_route_and_no_routes() -> None:
    router = ModelRouter({"a": "fake:a"}, lambda _: "b")
    with pytest.raises(KeyError, match="route 'b' is not one of"):
        router.invoke("x")
    with pytest.raises(ValueError, match="at least one route"):
        ModelRouter({}, lambda _: "a")
