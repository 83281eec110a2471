"""`RunnableBinding` (`core/binding.py`): what `with_config` and `bind` return; its
config and keyword arguments go under the caller's, its attributes are the bound
runnable's, and `bind_tools` on it binds again."""

from __future__ import annotations

import asyncio

import pytest

from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex.core.binding import RunnableBinding
from chatplex.core.run_config import RunnableConfig
from tests.core._echo import Echo
from tests.core._twins import call


@pytest.mark.parametrize("sync", [True, False])
async def test_with_config_and_bind(sync: bool) -> None:
    def tags(x: int, config: RunnableConfig) -> list[str]:
        return config.get("tags", [])

    bound = RunnableLambda(tags).with_config(tags=["fixed"])
    # Sorted, as LangChain's binding merges them (tests/core/test_binding_beside.py).
    assert await call(bound, sync, 1, {"tags": ["call"]}) == ["call", "fixed"]

    model = FakeChatModel(responses=["ok"]).bind(temperature=0.5)
    assert model.temperature == 0.5  # type: ignore[attr-defined]
    assert (await call(model, sync, "hi")).text == "ok"


def test_a_binding_merges_its_config_and_kwargs_under_the_callers() -> None:
    echo = Echo()
    bound = RunnableBinding(echo, config={"tags": ["bound"], "metadata": {"a": 1}}, kwargs={"k": 1})
    assert bound.invoke("x", {"tags": ["call"]}, k=2, j=3) == ("x", {"k": 2, "j": 3})
    assert echo.configs[-1]["tags"] == ["bound", "call"]
    assert bound.batch(["y", "z"], {"metadata": {"b": 2}}) == [("y", {"k": 1}), ("z", {"k": 1})]
    assert echo.configs[-1]["metadata"] == {"a": 1, "b": 2}


def test_a_binding_forwards_attributes_and_rebinds_tools() -> None:
    model = FakeChatModel(responses=["ok"], temperature=0.3)
    bound = model.with_config(tags=["t"])
    assert bound.temperature == 0.3  # type: ignore[attr-defined]

    def lookup(city: str) -> str:
        """Look a city up."""
        return city

    with_tools = bound.bind_tools([lookup])  # type: ignore[attr-defined]
    assert isinstance(with_tools, RunnableBinding) and with_tools.config == {"tags": ["t"]}
    assert [t.name for t in with_tools.bound.tools] == ["lookup"]


def test_a_run_name_names_the_runs_not_the_runnable_as_in_langchain() -> None:
    # LangChain's binding answers get_name (and so the tool name `as_tool` picks, the
    # `.map()` name, the suffixed schema names) with the bound runnable's name; the
    # config's run_name names only the runs, in events and traces.
    lc = pytest.importorskip("langchain_core.runnables")

    def double(text: str) -> str:
        return text * 2

    def names(lambda_class: type) -> list[str]:
        named = lambda_class(double).with_config(run_name="dbl")
        return [
            named.get_name(),
            named.get_name("Input"),
            named.map().get_name(),
            named.as_tool(description="doubles").name,
        ]

    with pytest.warns(Warning, match="beta"):  # LangChain's as_tool is beta
        theirs = names(lc.RunnableLambda)
    assert (
        names(RunnableLambda)
        == theirs
        == ["double", "double_input", "RunnableEach<double>", "double"]
    )

    async def run_names() -> set[str]:
        named = RunnableLambda(double).with_config(run_name="dbl")
        return {e["name"] async for e in named.astream_events("a", version="v2")}

    assert asyncio.run(run_names()) == {"dbl"}
