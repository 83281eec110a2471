"""Tokens counted as langchain-openai counts them (chatplex/providers/openai/tokens.py):
the drop-ins whose partner class is `BaseChatOpenAI` (ChatOpenAI, AzureChatOpenAI,
ChatXAI, ChatDeepSeek, ChatTogether, ChatNebius), side by side with their partner
classes on the same messages, with tiktoken's cl100k_base read offline
(tests/_tiktoken.py); o200k_base is not to be had offline, so there both sides fail
alike."""

from __future__ import annotations

import importlib
import logging
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests._tiktoken import offline_tiktoken

lc_messages = pytest.importorskip("langchain_core.messages")
langchain_openai = pytest.importorskip("langchain_openai")
requests = pytest.importorskip("requests")

import chatplex  # noqa: E402 - after the skips
import chatplex.langchain  # noqa: E402
from chatplex.providers.openai import tokens  # noqa: E402
from tests._calls import outcome  # noqa: E402
from tests._fresh import fresh_python  # noqa: E402

KEYS = {"api_key": "sk-test"}
AZURE = {
    "azure_endpoint": "https://example.openai.azure.com",
    "api_version": "2024-06-01",
    "azure_deployment": "dep",
    "api_key": "k",
}

#: A one-pixel PNG, as a data URL.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module", autouse=True)
def _offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with offline_tiktoken(tmp_path_factory.mktemp("tiktoken")):
        yield


def _conversation() -> list[Any]:
    m = lc_messages
    return [
        m.SystemMessage("You are terse."),
        m.HumanMessage("What's the weather in Paris?", name="alice"),
        m.AIMessage(
            "",
            tool_calls=[
                {"name": "get_weather", "args": {"city": "Paris", "note": "été"}, "id": "c1"}
            ],
        ),
        m.ToolMessage("Sunny, 21°C", tool_call_id="c1"),
        m.AIMessage("It is sunny in Paris (21°C)."),
        m.HumanMessage("Thanks!", additional_kwargs={"name": "bob"}),  # a name there counts
    ]


def _parts() -> list[Any]:
    m = lc_messages
    return [
        m.HumanMessage(
            content=[
                {"type": "text", "text": "Describe these."},
                {
                    "type": "image_url",
                    "image_url": {"url": "https://x.test/a.png", "detail": "low"},
                },
                {"type": "image", "base64": PIXEL.split(",", 1)[1], "mime_type": "image/png"},
                {"type": "image_url", "image_url": {"url": PIXEL}},
            ]
        ),
        m.AIMessage(content=[{"type": "text", "text": "Two pictures."}]),
        m.ToolMessage(content=[{"type": "text", "text": "done", "extra": 1}], tool_call_id="c9"),
    ]


def _legacy() -> list[Any]:
    """A function call made the legacy way, answered by a FunctionMessage."""
    m = lc_messages
    call = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    return [
        m.HumanMessage("What's the weather in Paris?"),
        m.AIMessage("", additional_kwargs={"function_call": call}),
        m.FunctionMessage("Sunny, 21°C", name="get_weather"),
    ]


MESSAGE_SETS = {"conversation": _conversation, "parts": _parts, "legacy": _legacy}
CL100K_MODELS = ("gpt-4", "gpt-3.5-turbo", "gpt-4-turbo", "gpt-3.5-turbo-0301")


@pytest.mark.parametrize("model", CL100K_MODELS)
@pytest.mark.parametrize("kind", sorted(MESSAGE_SETS))
def test_counts_as_langchain_openai(model: str, kind: str) -> None:
    said = MESSAGE_SETS[kind]()
    theirs = langchain_openai.ChatOpenAI(model=model, **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model=model, **KEYS)
    expected = theirs.get_num_tokens_from_messages(said)
    assert expected > 20  # counted, with a real encoding
    assert ours.get_num_tokens_from_messages(said) == expected
    for fetching in (True, False):
        assert ours.get_num_tokens_from_messages(
            said, allow_fetching_images=fetching
        ) == theirs.get_num_tokens_from_messages(said, allow_fetching_images=fetching)


def test_a_keyword_besides_allow_fetching_images_is_a_type_error_as_there() -> None:
    """langchain-openai's count takes one keyword: another is a TypeError there, and
    here (the engine leaves it to langchain-core's count, which refuses it)."""
    said = _conversation()
    theirs = langchain_openai.ChatOpenAI(model="gpt-4", **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model="gpt-4", **KEYS)
    for given in (theirs, ours):
        with pytest.raises(TypeError, match="colour"):
            given.get_num_tokens_from_messages(said, colour="red")


@pytest.mark.parametrize("model", CL100K_MODELS)
def test_text_tokens_as_langchain_openai(model: str) -> None:
    theirs = langchain_openai.ChatOpenAI(model=model, **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model=model, **KEYS)
    text = "Counting tokens, offline: été, 21°C."
    assert ours.get_token_ids(text) == theirs.get_token_ids(text)
    assert ours.get_num_tokens(text) == theirs.get_num_tokens(text) > 5


def test_trim_messages_with_the_model_as_counter() -> None:
    said = _conversation()
    theirs = langchain_openai.ChatOpenAI(model="gpt-4", **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model="gpt-4", **KEYS)
    budget = theirs.get_num_tokens_from_messages(said) - 10
    kept = lc_messages.trim_messages(said, max_tokens=budget, token_counter=ours)
    assert kept == lc_messages.trim_messages(said, max_tokens=budget, token_counter=theirs)
    assert 0 < len(kept) < len(said)


def test_tiktoken_model_name_is_counted_with() -> None:
    """A name tiktoken does not know counts with the one given (langchain-openai's field)."""
    said = _conversation()
    theirs = langchain_openai.ChatOpenAI(model="my-gpt", tiktoken_model_name="gpt-4", **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model="my-gpt", tiktoken_model_name="gpt-4", **KEYS)
    assert ours.tiktoken_model_name == "gpt-4"
    assert ours.get_num_tokens_from_messages(said) == theirs.get_num_tokens_from_messages(said)


def test_custom_get_token_ids_comes_first() -> None:
    ours = chatplex.langchain.ChatOpenAI(
        model="gpt-4", custom_get_token_ids=lambda t: [1] * len(t), **KEYS
    )
    assert ours.get_num_tokens("abc") == 3


@pytest.mark.parametrize("model", ["llama-3.3-70b", "gpt-4o-mini", "gpt-5"])
def test_failures_as_langchain_openai(model: str) -> None:
    """A model outside OpenAI's cookbook: NotImplementedError; one of o200k_base (not to
    be had offline): the download's ConnectionError, on both sides."""
    said = _conversation()
    theirs = langchain_openai.ChatOpenAI(model=model, **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model=model, **KEYS)
    expected = outcome(lambda: theirs.get_num_tokens_from_messages(said))
    assert isinstance(expected, tuple)  # it raised
    assert outcome(lambda: ours.get_num_tokens_from_messages(said)) == expected


def test_warnings_as_langchain_openai() -> None:
    """Tools are not counted and a file part is ignored, each with langchain-openai's
    warning."""
    said = [
        lc_messages.HumanMessage(
            content=[
                {"type": "text", "text": "Read it."},
                {
                    "type": "file",
                    "base64": "JVBERi0=",
                    "mime_type": "application/pdf",
                    "filename": "a.pdf",
                },
            ]
        )
    ]
    tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    seen = []
    for model in (
        langchain_openai.ChatOpenAI(model="gpt-4", **KEYS),
        chatplex.langchain.ChatOpenAI(model="gpt-4", **KEYS),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            count = model.get_num_tokens_from_messages(said, tools=[tool])
        seen.append((count, [(w.category, str(w.message)) for w in caught]))
    assert seen[0] == seen[1]
    assert len(seen[0][1]) == 2


def test_unknown_part_raises_as_langchain_openai() -> None:
    said = [
        lc_messages.HumanMessage(
            content=[{"type": "audio", "base64": "UklGRg==", "mime_type": "audio/wav"}]
        )
    ]
    theirs = langchain_openai.ChatOpenAI(model="gpt-4", **KEYS)
    ours = chatplex.langchain.ChatOpenAI(model="gpt-4", **KEYS)
    expected = outcome(lambda: theirs.get_num_tokens_from_messages(said))
    assert expected[0] is ValueError
    assert outcome(lambda: ours.get_num_tokens_from_messages(said)) == expected


def test_images_without_pillow_count_nothing_and_say_so(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    said = [lc_messages.HumanMessage(content=[{"type": "image_url", "image_url": {"url": PIXEL}}])]
    with caplog.at_level(logging.INFO):
        count = chatplex.langchain.ChatOpenAI(model="gpt-4", **KEYS).get_num_tokens_from_messages(
            said
        )
    assert count == 3 + 1 + 3  # the message, its role ("user"), the reply's priming
    assert "pip install -U pillow httpx" in caplog.text


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(1, 1, 255), (512, 512, 255), (1024, 1024, 765), (4096, 2048, 1105), (800, 3000, 1445)],
)
def test_image_tokens_follow_openai_prices(width: int, height: int, expected: int) -> None:
    from langchain_openai.chat_models import base

    assert tokens._image_tokens(width, height) == expected
    assert base._count_image_tokens(width, height) == expected


def test_azure_counts_as_langchain_openai() -> None:
    said = _conversation()
    for named in ({"model": "gpt-4"}, {"model": "gpt-4", "tiktoken_model_name": "gpt-3.5-turbo"}):
        theirs = langchain_openai.AzureChatOpenAI(**AZURE, **named)
        ours = chatplex.langchain.AzureChatOpenAI(**AZURE, **named)
        assert ours.get_num_tokens_from_messages(said) == theirs.get_num_tokens_from_messages(said)


def test_azure_without_a_model_fails_as_langchain_openai() -> None:
    """langchain-openai counts with its model_name, None without `model=`: tiktoken fails."""
    said = _conversation()
    expected = outcome(
        lambda: langchain_openai.AzureChatOpenAI(**AZURE).get_num_tokens_from_messages(said)
    )
    assert expected[0] is AttributeError
    ours = chatplex.langchain.AzureChatOpenAI(**AZURE)
    assert outcome(lambda: ours.get_num_tokens_from_messages(said)) == expected


#: The presets whose partner class subclasses BaseChatOpenAI, by their installed packages.
SUBCLASSES = {
    "ChatXAI": ("langchain_xai", "grok-4", {"xai_api_key": "k"}),
    "ChatDeepSeek": ("langchain_deepseek", "deepseek-chat", {"api_key": "k"}),
    "ChatTogether": ("langchain_together", "meta-llama/Llama-3-8b", {"api_key": "k"}),
    "ChatNebius": ("langchain_nebius", "meta-llama/Llama-3.3-70B", {"api_key": "k"}),
}


@pytest.mark.parametrize("name", sorted(SUBCLASSES))
def test_presets_of_base_chat_openai_count_as_theirs(name: str) -> None:
    """Their own model names raise NotImplementedError after cl100k_base is loaded; a
    `tiktoken_model_name` of the cookbook counts; a text counts in cl100k_base."""
    package, model, key = SUBCLASSES[name]
    partner = getattr(pytest.importorskip(package), name)
    said = _conversation()
    theirs = partner(model=model, **key)
    ours = getattr(chatplex.langchain, name)(model=model, **key)
    expected = outcome(lambda: theirs.get_num_tokens_from_messages(said))
    assert expected[0] is NotImplementedError
    assert outcome(lambda: ours.get_num_tokens_from_messages(said)) == expected
    assert ours.get_token_ids("hello there") == theirs.get_token_ids("hello there")
    theirs = partner(model=model, tiktoken_model_name="gpt-4", **key)
    ours = getattr(chatplex.langchain, name)(model=model, tiktoken_model_name="gpt-4", **key)
    assert ours.get_num_tokens_from_messages(said) == theirs.get_num_tokens_from_messages(said)


def test_other_presets_count_as_langchain_does() -> None:
    """ChatGroq's partner is no BaseChatOpenAI: LangChain's own count (its GPT-2
    tokenizer, which needs transformers), and no tiktoken_model_name."""
    groq = pytest.importorskip("langchain_groq")
    said = _conversation()
    theirs = groq.ChatGroq(model="llama-3.3-70b-versatile", api_key="k")
    ours = chatplex.langchain.ChatGroq(model="llama-3.3-70b-versatile", api_key="k")
    expected = outcome(lambda: theirs.get_num_tokens_from_messages(said))
    assert outcome(lambda: ours.get_num_tokens_from_messages(said)) == expected
    with pytest.raises(TypeError, match="tiktoken_model_name"):
        chatplex.langchain.ChatGroq(
            model="llama-3.3-70b-versatile", api_key="k", tiktoken_model_name="x"
        )


def test_without_tiktoken_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tiktoken", None)
    with pytest.raises(ImportError, match="pip install tiktoken"):
        tokens.token_ids("gpt-4", "hi")


def test_import_chatplex_does_not_import_tiktoken() -> None:

    code = (
        "import sys, chatplex.langchain; chatplex.langchain.ChatOpenAI; "
        "print('tiktoken' in sys.modules)"
    )
    out = fresh_python(code).stdout
    assert out.strip() == "False"
    assert importlib.util.find_spec("tiktoken") is not None  # installed: the check means it


#: The partner package of each preset's LangChain class.
PARTNERS = {
    "ChatCerebras": "langchain_cerebras",
    "ChatDeepSeek": "langchain_deepseek",
    "ChatFireworks": "langchain_fireworks",
    "ChatGroq": "langchain_groq",
    "ChatMistralAI": "langchain_mistralai",
    "ChatNebius": "langchain_nebius",
    "ChatOpenRouter": "langchain_openrouter",
    "ChatPerplexity": "langchain_perplexity",
    "ChatSambaNova": "langchain_sambanova",
    "ChatTogether": "langchain_together",
    "ChatXAI": "langchain_xai",
}


def test_the_presets_that_count_are_those_whose_partner_is_a_base_chat_openai() -> None:
    """Each preset row's `counts_with_tiktoken` against its installed partner class."""
    from langchain_openai.chat_models.base import BaseChatOpenAI

    from chatplex.providers.compatible.spec import PRESETS

    checked = set()
    for row in PRESETS:
        if row.dropin is None or row.langchain_class not in PARTNERS:
            continue
        try:
            package = importlib.import_module(PARTNERS[row.langchain_class])
        except ImportError:
            continue
        partner = getattr(package, row.langchain_class)
        assert row.dropin.counts_with_tiktoken == issubclass(partner, BaseChatOpenAI), row
        checked.add(row.langchain_class)
    assert {"ChatXAI", "ChatDeepSeek", "ChatGroq", "ChatMistralAI"} <= checked


def test_cerebras_counts_as_base_chat_openai() -> None:
    """langchain-cerebras' ChatCerebras extends BaseChatOpenAI: a
    cookbook `tiktoken_model_name` counts as langchain-openai's own class counts."""
    said = _conversation()
    ours = chatplex.langchain.ChatCerebras(
        model="llama3.1-8b", api_key="k", tiktoken_model_name="gpt-4"
    )
    theirs = langchain_openai.ChatOpenAI(model="gpt-4", **KEYS)
    assert ours.get_num_tokens_from_messages(said) == theirs.get_num_tokens_from_messages(said)


def test_a_reasoning_block_counts_as_the_text_sent_where_langchain_openai_raises() -> None:
    """A kept difference (LangChain raises): a reply with a reasoning block, fed back,
    is sent as its text (chatplex's request), and counted so; langchain-openai's count
    raises on the block."""
    replied = lc_messages.AIMessage(
        content=[{"type": "reasoning", "reasoning": "hmm"}, {"type": "text", "text": "ok"}]
    )
    theirs = langchain_openai.ChatOpenAI(model="gpt-4", **KEYS)
    with pytest.raises(ValueError, match="Unrecognized content block type"):
        theirs.get_num_tokens_from_messages([replied])
    ours = chatplex.langchain.ChatOpenAI(model="gpt-4", **KEYS)
    as_sent = theirs.get_num_tokens_from_messages([lc_messages.AIMessage("ok")])
    assert ours.get_num_tokens_from_messages([replied]) == as_sent
