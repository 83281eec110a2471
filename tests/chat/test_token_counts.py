"""chatplex's own models count tokens as the wire's LangChain class counts them
(chatplex/chat/token_counts.py): `chatplex.init_chat_model("openai:gpt-4")` beside
langchain-openai's `ChatOpenAI(model="gpt-4")` on the same messages (tiktoken's
cl100k_base read offline: tests/_tiktoken.py), the presets whose class extends
langchain-openai's beside that class, and a NotImplementedError naming the wire where
the LangChain class asks its provider (no request is sent to count)."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests._tiktoken import offline_tiktoken

lc_messages = pytest.importorskip("langchain_core.messages")
langchain_openai = pytest.importorskip("langchain_openai")

import chatplex  # noqa: E402 - after the skips
import chatplex.langchain  # noqa: E402
import chatplex.messages  # noqa: E402
from chatplex.chat.token_counts import wire_counts  # noqa: E402
from chatplex.providers.compatible.spec import DROPINS  # noqa: E402
from tests._calls import outcome  # noqa: E402

KEY = "sk-test"
AZURE = {"azure_endpoint": "https://example.openai.azure.com", "api_version": "2024-06-01"}
#: A one-pixel PNG, as a data URL.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
TEXT = "Counting tokens, offline: été, 21°C."


@pytest.fixture(scope="module", autouse=True)
def _offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with offline_tiktoken(tmp_path_factory.mktemp("tiktoken")):
        yield


def _conversation(m: ModuleType) -> list[Any]:
    """A conversation in `m`'s messages (chatplex's or langchain-core's): names, a tool
    call and its result, image parts (by URL at low detail, and inline)."""
    call = {"name": "get_weather", "args": {"city": "Paris", "note": "été"}, "id": "c1"}
    look = {"type": "image_url", "image_url": {"url": "https://x.test/a.png", "detail": "low"}}
    return [
        m.SystemMessage("You are terse."),
        m.HumanMessage("What's the weather in Paris?", name="alice"),
        m.AIMessage("", tool_calls=[call]),
        m.ToolMessage("Sunny, 21°C", tool_call_id="c1"),
        m.HumanMessage(
            [
                {"type": "text", "text": "And these?"},
                look,
                {"type": "image_url", "image_url": {"url": PIXEL}},
            ]
        ),
        m.AIMessage("Two pictures of Paris."),
    ]


def _own(name: str, **more: Any) -> Any:
    where = AZURE if name.startswith("azure_openai:") else {}
    return chatplex.init_chat_model(name, api_key=KEY, **where, **more)


#: (the own family's model, langchain-openai's class) on OpenAI's wires.
PAIRS: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    "gpt-4": (
        lambda: _own("openai:gpt-4"),
        lambda: langchain_openai.ChatOpenAI(model="gpt-4", api_key=KEY),
    ),
    "gpt-3.5-turbo-0301": (
        lambda: _own("openai:gpt-3.5-turbo-0301"),
        lambda: langchain_openai.ChatOpenAI(model="gpt-3.5-turbo-0301", api_key=KEY),
    ),
    "responses gpt-4": (
        lambda: _own("openai:gpt-4", use_responses_api=True),
        lambda: langchain_openai.ChatOpenAI(model="gpt-4", use_responses_api=True, api_key=KEY),
    ),
    "azure gpt-4": (
        lambda: _own("azure_openai:gpt-4"),
        lambda: langchain_openai.AzureChatOpenAI(model="gpt-4", api_key=KEY, **AZURE),
    ),
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_text_counts_as_langchain_openai(pair: str) -> None:
    ours, theirs = (make() for make in PAIRS[pair])
    assert ours.get_token_ids(TEXT) == theirs.get_token_ids(TEXT)
    assert ours.get_num_tokens(TEXT) == theirs.get_num_tokens(TEXT) > 5


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_message_counts_as_langchain_openai(pair: str) -> None:
    ours, theirs = (make() for make in PAIRS[pair])
    expected = theirs.get_num_tokens_from_messages(_conversation(lc_messages))
    assert expected > 50  # counted, with a real encoding: the low-detail image's 85 too
    assert ours.get_num_tokens_from_messages(_conversation(chatplex.messages)) == expected
    for fetching in (True, False):
        assert ours.get_num_tokens_from_messages(
            _conversation(chatplex.messages), allow_fetching_images=fetching
        ) == theirs.get_num_tokens_from_messages(
            _conversation(lc_messages), allow_fetching_images=fetching
        )


def test_tools_are_left_out_with_langchain_openais_warning() -> None:
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    ours, theirs = (make() for make in PAIRS["gpt-4"])
    seen = []
    for model, m in ((ours, chatplex.messages), (theirs, lc_messages)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            count = model.get_num_tokens_from_messages(_conversation(m), tools=[add])
        seen.append((count, [(w.category, str(w.message)) for w in caught]))
    assert seen[0] == seen[1]
    assert seen[0][1] == [
        (UserWarning, "Counting tokens in tool schemas is not yet supported. Ignoring tools.")
    ]


@pytest.mark.parametrize("model", ["llama-3.3-70b", "gpt-4o-mini"])
def test_failures_as_langchain_openai(model: str) -> None:
    """A model outside OpenAI's cookbook: its NotImplementedError; one of o200k_base (not
    to be had offline): the download's error, on both sides."""
    ours = _own(f"openai:{model}")
    theirs = langchain_openai.ChatOpenAI(model=model, api_key=KEY)
    expected = outcome(lambda: theirs.get_num_tokens_from_messages(_conversation(lc_messages)))
    assert isinstance(expected, tuple)  # it raised
    assert (
        outcome(lambda: ours.get_num_tokens_from_messages(_conversation(chatplex.messages)))
        == expected
    )


def test_a_keyword_the_count_does_not_take_is_a_type_error() -> None:
    ours, theirs = (make() for make in PAIRS["gpt-4"])
    for model, m in ((ours, chatplex.messages), (theirs, lc_messages)):
        with pytest.raises(TypeError, match="colour"):
            model.get_num_tokens_from_messages(_conversation(m), colour="red")


def test_trim_messages_with_the_own_model_as_counter() -> None:
    ours, theirs = (make() for make in PAIRS["gpt-4"])
    said = _conversation(lc_messages)
    budget = theirs.get_num_tokens_from_messages(said) - 10
    expected = lc_messages.trim_messages(said, max_tokens=budget, token_counter=theirs)
    kept = chatplex.messages.trim_messages(
        _conversation(chatplex.messages), max_tokens=budget, token_counter=ours
    )
    assert 0 < len(kept) == len(expected) < len(said)
    assert [m.text for m in kept] == [m.text for m in expected]
    runnable = chatplex.messages.trim_messages(max_tokens=budget, token_counter=ours)
    assert runnable.invoke(_conversation(chatplex.messages)) == kept


#: The presets whose LangChain class extends langchain-openai's and is installed here.
TIKTOKEN_PRESETS = sorted(
    name
    for name, row in DROPINS.items()
    if row.counts_with_tiktoken
    and row.partner_class
    and importlib.util.find_spec(row.partner_class.partition(".")[0]) is not None
)


def _partner(name: str, model: str) -> Any:
    module, _, cls = DROPINS[name].partner_class.partition(":")  # type: ignore[union-attr]
    return getattr(importlib.import_module(module), cls)(model=model, api_key=KEY)


@pytest.mark.parametrize("preset", TIKTOKEN_PRESETS)
def test_presets_extending_langchain_openai_count_as_their_class(preset: str) -> None:
    assert len(TIKTOKEN_PRESETS) >= 3  # deepseek, xai, together, nebius...
    ours, theirs = _own(f"{preset}:gpt-4"), _partner(preset, "gpt-4")
    assert ours.get_token_ids(TEXT) == theirs.get_token_ids(TEXT)
    assert ours.get_num_tokens_from_messages(
        _conversation(chatplex.messages)
    ) == theirs.get_num_tokens_from_messages(_conversation(lc_messages))


@pytest.mark.parametrize(
    "name",
    [
        "anthropic:claude-sonnet-4-5",
        "groq:llama-3.1-8b-instant",
        "mistralai:mistral-small-latest",
        "google_genai:gemini-2.5-flash",
        "cohere:command-r",
    ],
)
def test_a_wire_chatplex_does_not_count_says_so_and_sends_nothing(name: str) -> None:
    model = chatplex.init_chat_model(name, api_key=KEY, base_url="http://127.0.0.1:9")
    assert wire_counts(model.adapter) is None
    label = model.provider_label
    for count in (
        lambda: model.get_token_ids(TEXT),
        lambda: model.get_num_tokens(TEXT),
        lambda: model.get_num_tokens_from_messages(_conversation(chatplex.messages)),
    ):
        with pytest.raises(NotImplementedError, match=f"on the '{label}' wire"):
            count()
    with pytest.raises(NotImplementedError, match="token_counter='approximate'"):
        chatplex.messages.trim_messages(
            _conversation(chatplex.messages), max_tokens=5, token_counter=model
        )


def test_the_fake_model_says_so_too() -> None:
    with pytest.raises(NotImplementedError, match="on the 'fake' wire"):
        chatplex.FakeChatModel(responses=["hi"]).get_num_tokens(TEXT)


def test_the_drop_in_counts_with_the_wires_counter() -> None:
    """One counter per wire: the drop-in's engine reads the adapter's, as the own model."""
    own = _own("openai:gpt-4")
    dropin = chatplex.langchain.ChatOpenAI(model="gpt-4", api_key=KEY)
    engine = dropin.chatplex_model
    assert wire_counts(engine.adapter) is wire_counts(own.adapter) is not None
    assert dropin.get_token_ids(TEXT) == own.get_token_ids(TEXT)
