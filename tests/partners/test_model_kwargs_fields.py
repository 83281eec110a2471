"""A partner class's own field given inside `model_kwargs` (`ChatOpenAI(model_kwargs=
{"temperature": 0.3})`) is taken as that field, with langchain-core's warning, by the partner
classes whose validator calls langchain-core's `build_model_kwargs`; the drop-in of each
does the same. Before, the drop-in refused it (OpenAI, Azure, Anthropic, Gemini, Vertex
AI) or kept it in `model_kwargs` beside the field's default (the presets on langchain-
openai's BaseChatOpenAI, Mistral, Fireworks) beside the field's default.

Each case builds the partner's class and the drop-in with the same keywords, compares
what the construction warned (class, words, the script's line), the field and
`model_kwargs` read back, and, where the class is built against a local server, the
request a call sends."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests._warns import warns_nothing
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

_COMPLETION = chat_completion("hi", created=1, usage={"prompt_tokens": 1, "completion_tokens": 1})
_MESSAGE = anthropic_message("hi", usage={"input_tokens": 1, "output_tokens": 1})
_OPENAI_KEYS = {"api_key": "sk-k", "max_retries": 0}

#: Drop-in name -> (partner module, constructor keywords but `model_kwargs`, the keyword
#: naming the base URL and its path on the server (None: built only, no call), the reply).
CASES: dict[str, tuple[str, dict[str, Any], tuple[str, str] | None, dict[str, Any]]] = {
    "ChatOpenAI": (
        "langchain_openai",
        {"model": "gpt-4o-mini", **_OPENAI_KEYS},
        ("base_url", "/v1"),
        _COMPLETION,
    ),
    "ChatAnthropic": (
        "langchain_anthropic",
        {"model": "claude-3-5-haiku-latest", **_OPENAI_KEYS},
        ("base_url", ""),
        _MESSAGE,
    ),
    "ChatMistralAI": (
        "langchain_mistralai",
        {"model": "mistral-small-latest", **_OPENAI_KEYS},
        ("base_url", "/v1"),
        _COMPLETION,
    ),
    "ChatDeepSeek": (
        "langchain_deepseek",
        {"model": "deepseek-chat", **_OPENAI_KEYS},
        ("api_base", "/v1"),
        _COMPLETION,
    ),
    "ChatXAI": (
        "langchain_xai",
        {"model": "grok-2", **_OPENAI_KEYS},
        ("xai_api_base", "/v1"),
        _COMPLETION,
    ),
    "ChatTogether": (
        "langchain_together",
        {"model": "meta-llama/Llama-3-8b-chat-hf", **_OPENAI_KEYS},
        ("base_url", "/v1"),
        _COMPLETION,
    ),
    "ChatFireworks": (
        "langchain_fireworks",
        {"model": "accounts/fireworks/models/llama-v3p1-8b-instruct", **_OPENAI_KEYS},
        None,
        _COMPLETION,
    ),
    "ChatNebius": ("langchain_nebius", {"model": "m", **_OPENAI_KEYS}, None, _COMPLETION),
    "AzureChatOpenAI": (
        "langchain_openai",
        {
            "azure_deployment": "d",
            "api_version": "2024-06-01",
            "azure_endpoint": "https://x.openai.azure.com",
            **_OPENAI_KEYS,
        },
        None,
        _COMPLETION,
    ),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        {"model": "gemini-2.0-flash", "google_api_key": "k"},
        None,
        {},
    ),
    "ChatVertexAI": (
        "langchain_google_vertexai",
        {"model": "gemini-2.0-flash", "project": "p"},
        None,
        {},
    ),
}


@contextlib.contextmanager
def _served(name: str) -> Iterator[tuple[ScriptedServer, list[type], dict[str, Any]]]:
    """A server answering with the case's reply, the partner's class and the drop-in,
    and the case's keywords pointing at the server."""
    module, keywords, at, reply = CASES[name]
    assert at is not None
    partner = getattr(pytest.importorskip(module), name)
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [json.dumps(reply).encode()])
        yield (
            server,
            [partner, getattr(chatplex.langchain, name)],
            {**keywords, at[0]: server.url + at[1]},
        )


def _made(cls: type, keywords: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    return constructed(lambda: cls(**keywords, model_kwargs={"temperature": 0.3}))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_field_inside_model_kwargs_is_that_field_as_on_the_partner(name: str) -> None:
    module, keywords, at, reply = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    seen = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        model, said = _made(cls, keywords)
        seen.append((said, model.temperature, model.model_kwargs))
    theirs, ours = seen
    assert ours == theirs
    assert ours[1] == 0.3 and "temperature" not in ours[2]
    assert any("should be specified explicitly" in w[1] for w in ours[0]["warned"])


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(k for k, v in CASES.items() if v[2] is not None))
def test_the_field_taken_is_sent_as_by_the_partner(name: str) -> None:
    with _served(name) as (server, classes, keywords):
        sent = []
        for cls in classes:
            model, _ = _made(cls, keywords)
            server.seen.clear()
            sent_once(model, "invoke")
            sent.append(plain_request(server.seen[0]))
    theirs, ours = sent
    assert ours == theirs
    assert ours["body"]["temperature"] == 0.3


def test_a_keyword_also_inside_model_kwargs_is_refused_as_by_the_partner() -> None:
    partner = pytest.importorskip("langchain_openai").ChatOpenAI
    for cls in (partner, chatplex.langchain.ChatOpenAI):
        with pytest.raises(ValueError, match="Found temperature supplied twice"):
            cls(
                model="gpt-4o-mini",
                api_key="sk-k",
                temperature=0.1,
                model_kwargs={"temperature": 0.5},
            )


def test_the_dict_given_is_left_as_it_was() -> None:
    given = {"top_p": 0.3, "user": "u"}
    with pytest.warns(UserWarning, match="should be specified explicitly"):
        model = chatplex.langchain.ChatOpenAI(
            model="gpt-4o-mini", api_key="sk-k", model_kwargs=given
        )
    assert given == {"top_p": 0.3, "user": "u"}
    assert model.model_kwargs == {"user": "u"} and model.top_p == 0.3


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("ChatGroq", "langchain_groq"),
        ("ChatPerplexity", "langchain_perplexity"),
        ("ChatSambaNova", "langchain_sambanova"),
    ],
)
def test_where_the_partner_refuses_a_field_inside_model_kwargs_it_is_sent_as_given(
    name: str, module: str
) -> None:
    # The kept difference's reason: these partners' own validators raise a ValueError.
    partner = getattr(pytest.importorskip(module), name)
    keywords = {"model": "m1", "api_key": "k", "model_kwargs": {"temperature": 0.5}}
    with pytest.raises(ValueError, match="should be specified explicitly"):
        partner(**keywords)
    with warns_nothing():  # and no warning from the drop-in
        model = getattr(chatplex.langchain, name)(**keywords)
    assert model.model_kwargs == {"temperature": 0.5}


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("how", ["assigned", "copied"])
@pytest.mark.parametrize("name", sorted(k for k, v in CASES.items() if v[2] is not None))
def test_a_field_inside_model_kwargs_set_after_construction_is_sent_over_the_field(
    name: str, how: str
) -> None:
    # The partner's validator runs only in its constructor: a `model_kwargs` assigned (or
    # copied in) later is held as given, the field keeps its value, and the request
    # merges `model_kwargs` last. Before, the drop-in lifted it again, and refused it
    # ("supplied twice") where the field was given at construction.
    with _served(name) as (server, classes, keywords):
        seen = []
        for cls in classes:
            given = {**keywords, "temperature": 0.2}

            def later(model: Any) -> Any:
                if how == "copied":
                    return model.model_copy(update={"model_kwargs": {"temperature": 0.9}})
                model.model_kwargs = {"temperature": 0.9}
                model.top_p = 0.5  # a setting assigned after it is sent with it
                return model

            model, said = constructed(lambda: later(cls(**given)))  # noqa: B023
            server.seen.clear()
            sent_once(model, "invoke")
            request = plain_request(server.seen[0])
            seen.append((said, model.temperature, model.model_kwargs, request))
    theirs, ours = seen
    assert ours == theirs
    assert ours[1:3] == (0.2, {"temperature": 0.9})
    assert ours[3]["body"]["temperature"] == 0.9


#: A keyword the partner keeps in a dict field (`PartnerFields.kept_in`), given both as
#: itself and inside that dict: drop-in -> (partner module, keywords, the keyword, the
#: dict field). The presets' partners raise; langchain-aws keeps the dict's value.
_PRESETS_KEEPING_SEED = {
    "ChatGroq": "langchain_groq",
    "ChatMistralAI": "langchain_mistralai",
    "ChatFireworks": "langchain_fireworks",
    "ChatPerplexity": "langchain_perplexity",
    "ChatSambaNova": "langchain_sambanova",
    "ChatOpenRouter": "langchain_openrouter",
}
_AWS_MODEL = {"region_name": "us-east-1"}
_KEPT_TWICE = {
    **{
        name: (module, {"model": "m", "api_key": "k"}, "seed", "model_kwargs")
        for name, module in _PRESETS_KEEPING_SEED.items()
    },
    "ChatBedrock": (
        "langchain_aws",
        {"model_id": "anthropic.claude-3", **_AWS_MODEL},
        "top_k",
        "model_kwargs",
    ),
    "ChatBedrockConverse": (
        "langchain_aws",
        {"model": "anthropic.claude-3", **_AWS_MODEL},
        "stream_usage",
        "additional_model_request_fields",
    ),
}


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(_KEPT_TWICE))
def test_a_keyword_kept_in_a_dict_and_given_there_too_is_settled_as_by_the_partner(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, keywords, keyword, holder = _KEPT_TWICE[name]
    partner = getattr(pytest.importorskip(module), name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")  # (the Bedrock classes' clients)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    given = {**keywords, keyword: 1, holder: {keyword: 2}}
    settled = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        try:
            model = cls(**given)
        except ValueError as exc:
            twice = f"Found {keyword} supplied twice."  # (pydantic's framing of it aside)
            settled.append(f"{type(exc).__name__}: {twice}" if twice in str(exc) else repr(exc))
        else:
            settled.append(getattr(model, holder))
    theirs, ours = settled
    assert ours == theirs
    # (LangChain's build_extra raises; langchain-aws keeps the dict's value)
    kept = name.startswith("ChatBedrock")
    assert theirs == ({keyword: 2} if kept else f"ValidationError: Found {keyword} supplied twice.")


#: The presets whose partner refuses a field given inside `model_kwargs` (above), where
#: the drop-in keeps it there.
_KEPT_AS_GIVEN = ("ChatGroq", "ChatPerplexity", "ChatSambaNova", "ChatOpenRouter")
#: A setting held in `model_kwargs`, and the call's own value of it.
_HELD_AND_CALLED = {"temperature": (0.5, 0.1), "max_tokens": (50, 10), "stop": (["a"], ["b"])}


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("name", _KEPT_AS_GIVEN)
def test_a_calls_own_setting_replaces_the_one_held_in_model_kwargs(name: str, how: str) -> None:
    # Held there, it is sent; a call's own keyword replaces it, as a field's value is
    # replaced (their payloads are `{**model_kwargs, **a call's keywords}`).
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [json.dumps(_COMPLETION).encode()])
        for key, (held, called) in _HELD_AND_CALLED.items():
            model = getattr(chatplex.langchain, name)(
                model="m1", api_key="k", base_url=server.url + "/v1", model_kwargs={key: held}
            )
            _sent_held_then_called(server, model, how, key, held, called)
            if (name, key) != ("ChatPerplexity", "stop"):  # (no such field: moved there)
                beside = getattr(chatplex.langchain, name)(
                    model="m1",
                    api_key="k",
                    base_url=server.url + "/v1",
                    model_kwargs={key: held},
                    **{key: _BESIDE[key]},
                )
                _sent_held_then_called(server, beside, how, key, held, called)


#: A field's own value, given beside the one held in `model_kwargs`.
_BESIDE = {"temperature": 0.2, "max_tokens": 20, "stop": ["z"]}


def _sent_held_then_called(
    server: ScriptedServer, model: Any, how: str, key: str, held: Any, called: Any
) -> None:
    """`model` sends the value held in its `model_kwargs` under `key` (over a field's),
    and a call's own where a call gives one."""
    sent = []
    for call in ({}, {key: called}):
        server.seen.clear()
        if how == "invoke":
            model.invoke("hi", **call)
        else:
            asyncio.run(model.ainvoke("hi", **call))
        sent.append(server.seen[0].body[key])
    assert sent == [held, called], (key, sent)
    assert model.model_kwargs == {key: held}


def test_perplexity_stop_held_in_model_kwargs_and_given_by_a_call() -> None:
    # The kept difference's reason: langchain-perplexity raises a ValueError when a call
    # gives `stop` beside a `model_kwargs` one; the drop-in sends the call's.
    partner = pytest.importorskip("langchain_perplexity").ChatPerplexity
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [json.dumps(_COMPLETION).encode()])
        held = {"model": "sonar", "api_key": "k", "model_kwargs": {"stop": ["a"]}}
        with pytest.raises(ValueError, match="`stop` found in both"):
            partner(**held).invoke("hi", stop=["b"])  # (before any request)
        ours = chatplex.langchain.ChatPerplexity(**held, base_url=server.url)
        ours.invoke("hi", stop=["b"])
        assert [seen.body["stop"] for seen in server.seen] == [["b"]]
