"""ChatAnthropic (providers/anthropic/dropin.py): what it takes from langchain-anthropic's
constructor into the request (headers, output_config, its per-model max_tokens default).
Its aliases, refusals and API-parameter checks, shared with ChatOpenAI, are tested in
tests/chat/test_dropin_models.py."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex
import chatplex.langchain
from tests._dropins import engine
from tests.chat.test_dropin_models import _chatplex_body
from tests.chat.test_dropin_models import _langchain_body

ChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)


def test_anthropic_headers_from_langchain_settings() -> None:
    model = ChatAnthropic(
        model="m", api_key="k", betas=["a-1", "b-2"], user_profile_id="p", effort="high"
    )
    request = model.adapter.build_request(  # type: ignore[union-attr]
        [__import__("chatplex").HumanMessage("hi")], model._settings({}), stream=False
    )
    # the user profile's beta after the model's, as langchain-anthropic adds it (test_betas)
    assert request.headers["anthropic-beta"] == "a-1,b-2,user-profiles-2026-03-24"
    assert request.headers["anthropic-user-profile-id"] == "p"
    assert request.json["output_config"] == {"effort": "high"}


@pytest.mark.parametrize(
    "model",
    ["claude-sonnet-4-5", "claude-sonnet-4-6", "claude-haiku-4-5-20251001", "claude-3-opus", "x"],
)
def test_anthropic_default_max_tokens_is_langchain_anthropics(model: str) -> None:
    import langchain_anthropic

    theirs = langchain_anthropic.ChatAnthropic(model=model, api_key="sk-test")
    expected = _langchain_body(theirs, theirs)["max_tokens"]
    assert _chatplex_body(ChatAnthropic(model=model, api_key="sk-test"))["max_tokens"] == expected


def test_anthropic_max_tokens_table_is_langchain_anthropics() -> None:
    from langchain_anthropic.chat_models import _FALLBACK_MAX_OUTPUT_TOKENS
    from langchain_anthropic.chat_models import _MODEL_PROFILES

    from chatplex.providers.anthropic.adapter import FALLBACK_MAX_TOKENS
    from chatplex.providers.anthropic.adapter import MAX_OUTPUT_TOKENS

    theirs = {
        name: profile["max_output_tokens"]
        for name, profile in _MODEL_PROFILES.items()
        if profile.get("max_output_tokens") is not None
    }
    assert theirs == MAX_OUTPUT_TOKENS
    assert FALLBACK_MAX_TOKENS == _FALLBACK_MAX_OUTPUT_TOKENS


def test_anthropic_max_tokens_set_or_defaulted_explicitly_wins() -> None:
    assert (
        _chatplex_body(ChatAnthropic(model="claude-sonnet-4-5", api_key="k", max_tokens=10))[
            "max_tokens"
        ]
        == 10
    )
    model = ChatAnthropic(model="claude-sonnet-4-5", api_key="k", default_max_tokens=100)
    assert _chatplex_body(model)["max_tokens"] == 100
    assert _chatplex_body(model.bind(max_tokens=7))["max_tokens"] == 7


def test_anthropic_version_header_is_langchain_anthropics() -> None:
    """The `anthropic-version` a ChatAnthropic request carries: the anthropic SDK's,
    through langchain-anthropic and through the drop-in, invoked and awaited."""
    import asyncio

    import langchain_anthropic

    from chatplex.testing import MockServer

    seen: list[Any] = []
    with MockServer(fault_plan=seen.append) as server:
        common = {"model": "claude-sonnet-4-6", "api_key": "sk-ant-test"}
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            cls(**common, base_url=server.anthropic_base_url).invoke("Hi")
            asyncio.run(cls(**common, base_url=server.anthropic_base_url).ainvoke("Hi"))
    versions = [request.headers.get("anthropic-version") for request in seen]
    assert versions == [versions[0]] * 4 and versions[0]


def test_anthropic_proxy_given_or_from_the_environment_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`anthropic_proxy=` given or `ANTHROPIC_PROXY` set: the calls (sync, async) and the
    SDK clients go through it, as langchain-anthropic's default httpx clients do (the
    mock server as the forward proxy: it gets the absolute URL and answers 404 for it),
    its field reads it; a client given is kept; unset, no client of the model's own."""
    import asyncio
    import warnings

    import httpx

    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_anthropic").ChatAnthropic
    settings = {"model": "claude-sonnet-4-5", "api_key": "k", "max_retries": 0}
    target = "http://anthropic.invalid"

    def outcome(cls: Any, **more: Any) -> list[Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (a model's deprecation notice: not compared)
            return _outcome(cls, **more)

    def _outcome(cls: Any, **more: Any) -> list[Any]:
        model = cls(base_url=target, **settings, **more)
        seen = [model.anthropic_proxy]

        async def ainvoked() -> None:
            try:
                await model.ainvoke("hi")
            finally:  # (ours closed on the loop that used it; the partner's are cached)
                if getattr(model, "http_async_client", None) is not None:
                    await model.http_async_client.aclose()

        for call in (lambda: model.invoke("hi"), lambda: asyncio.run(ainvoked())):
            with pytest.raises(Exception) as caught:  # noqa: PT011 - the 404 is compared
                call()
            seen.append((getattr(caught.value, "status_code", None), str(caught.value)))
        with pytest.raises(Exception) as caught:  # noqa: PT011
            model._client.messages.create(
                model="m", max_tokens=1, messages=[{"role": "user", "content": "hi"}]
            )
        seen.append(type(caught.value).__name__)
        if cls is not partner:  # (the partner's clients are cached for the process)
            model._client.close()
            model.http_client.close()
        return seen

    with MockServer() as proxy:
        monkeypatch.setenv("ANTHROPIC_PROXY", proxy.url)
        ours = outcome(chatplex.langchain.ChatAnthropic)  # (LangChain's name)
        assert ours == outcome(partner)
        assert ours[0] == proxy.url and ours[1][0] == 404 and f"{target}/v1/messages" in ours[1][1]
        monkeypatch.delenv("ANTHROPIC_PROXY")
        given = f"{proxy.url}/"  # (not the partner's cached clients of the first run)
        named = outcome(chatplex.langchain.ChatAnthropic, anthropic_proxy=given)  # the keyword
        assert named == outcome(partner, anthropic_proxy=given) == [given, *ours[1:]]
        monkeypatch.setenv("ANTHROPIC_PROXY", proxy.url)
        own = httpx.Client()
        kept = ChatAnthropic(http_client=own, **settings)
        assert kept.http_client is own and isinstance(kept.http_async_client, httpx.AsyncClient)
        own.close()
    monkeypatch.delenv("ANTHROPIC_PROXY")
    plain = ChatAnthropic(**settings)
    assert plain.http_client is None and plain.http_async_client is None


@pytest.mark.parametrize("keyword", ["reasoning_effort", "effort"])
def test_a_calls_effort_is_sent_as_langchain_anthropic_sends_it(keyword: str) -> None:
    # Per call, as the partner's docs show it (`model.invoke(..., reasoning_effort="high")`),
    # over the model's `effort`: it raised TypeError (no Messages field of that name).
    import asyncio

    import langchain_anthropic

    from chatplex.testing import MockServer

    seen: list[Any] = []
    with MockServer(fault_plan=lambda request: seen.append(request.json)) as server:
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            model = cls(model="claude-haiku-4-5", api_key="k", base_url=server.url, effort="low")
            model.invoke("hi", **{keyword: "high"})
            asyncio.run(model.ainvoke("hi", **{keyword: "medium"}))
    theirs, ours = seen[:2], seen[2:]
    assert [b["output_config"] for b in theirs] == [{"effort": "high"}, {"effort": "medium"}]
    assert ours == theirs


def test_the_adaptive_thinking_models_are_langchain_anthropics() -> None:
    from langchain_anthropic.chat_models import _MODEL_PROFILES

    from chatplex.providers.anthropic.adapter import ADAPTIVE_THINKING_MODELS

    theirs = {
        name
        for name, profile in _MODEL_PROFILES.items()
        if "xhigh" in (profile.get("reasoning_effort_levels") or ())
    }
    assert theirs == ADAPTIVE_THINKING_MODELS


#: An effort on the class or the call, with or without `thinking`, on a model that thinks
#: adaptively and on one that does not.
EFFORTS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "class effort": ("claude-opus-4-7", {"effort": "high"}, {}),
    "call effort": ("claude-sonnet-5", {}, {"reasoning_effort": "low"}),
    "thinking given": ("claude-opus-4-7", {"effort": "high", "thinking": {"type": "disabled"}}, {}),
    "call thinking": ("claude-opus-5", {"effort": "high"}, {"thinking": {"type": "disabled"}}),
    "older model": ("claude-opus-4-6", {"effort": "high"}, {}),
    "output_config only": ("claude-opus-4-7", {"output_config": {"effort": "low"}}, {}),
}


@pytest.mark.parametrize("case", list(EFFORTS))
def test_an_effort_brings_adaptive_thinking_as_langchain_anthropic_does(case: str) -> None:
    # langchain-anthropic sends {"type": "adaptive", "display": "summarized"} with an
    # effort (its field or a call's) and no `thinking`, on a model whose profile has
    # "xhigh": the drop-in sent no thinking.
    import asyncio

    import langchain_anthropic

    from chatplex.testing import MockServer

    model, settings, call = EFFORTS[case]
    seen: list[Any] = []
    with MockServer(fault_plan=lambda request: seen.append(request.json)) as server:
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            made = cls(model=model, api_key="k", base_url=server.url, **settings)
            made.invoke("hi", **call)
            asyncio.run(made.ainvoke("hi", **call))
    theirs, ours = seen[:2], seen[2:]
    assert ours == theirs
    adaptive = {"type": "adaptive", "display": "summarized"}
    assert (theirs[0].get("thinking") == adaptive) == (case in ("class effort", "call effort"))


@pytest.mark.parametrize("how", ["invoke", "stream"])
def test_an_unknown_call_keyword_is_refused_in_langchain_anthropics_words(how: str) -> None:
    # As langchain-anthropic's SDK refuses it, before any request (nothing listens there);
    # chatplex's own model keeps its own words.
    partner = pytest.importorskip("langchain_anthropic").ChatAnthropic
    at = {"model": "claude-3-5-haiku-latest", "api_key": "k", "base_url": "http://127.0.0.1:9"}
    outcomes = []
    for model in (partner(**at, max_retries=0), chatplex.langchain.ChatAnthropic(**at)):
        with pytest.raises(TypeError) as info:
            if how == "invoke":
                model.invoke("hi", seed=3)
            else:
                list(model.stream("hi", seed=3))
        outcomes.append(str(info.value))
    theirs, ours = outcomes
    assert ours == theirs == "Messages.create() got an unexpected keyword argument 'seed'"
    own = chatplex.init_chat_model("anthropic:claude-3-5-haiku-latest", api_key="k")
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'seed'") as info:
        own.bind(seed=3)
    assert "Messages.create()" not in str(info.value)
