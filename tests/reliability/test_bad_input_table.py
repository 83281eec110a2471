"""The bad-input table: every odd input a script may hand a chat model, on every wire,
one outcome per cell: refused (a ValueError or TypeError before any request: the
provider refuses it with a 400) or sent (as LangChain's partner package sends it: its
provider answers it). Where the partner package is installed, a sent cell's message is
compared with the one that package builds from the same input.

The rule behind each row is `chatplex.adapters.validate`'s (its module docstring says
which provider refuses what); each wire passes what its provider takes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex import AIMessage
from chatplex import BaseMessage
from chatplex import HumanMessage
from chatplex import ToolMessage
from chatplex import init_chat_model
from chatplex.errors import APIError

KEY = "sk-table-0000"
PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
AWS = {"region_name": "us-east-1", "aws_access_key_id": "AKIAX", "aws_secret_access_key": "s"}

#: Every wire, as a user configures it (fake keys: respx answers every request).
WIRES: dict[str, tuple[str, dict[str, Any]]] = {
    "openai": ("openai:gpt-4o-mini", {"api_key": KEY}),
    "responses": ("openai:gpt-4o-mini", {"api_key": KEY, "use_responses_api": True}),
    "azure": (
        "azure_openai:gpt-4o",
        {
            "api_key": KEY,
            "azure_endpoint": "https://x.openai.azure.com",
            "api_version": "2024-10-21",
        },
    ),
    "compatible": ("groq:llama-3.1-8b-instant", {"api_key": KEY}),
    "anthropic": ("anthropic:claude-sonnet-4-5", {"api_key": KEY}),
    "gemini": ("google_genai:gemini-2.5-flash", {"api_key": KEY}),
    "vertex": ("google_vertexai:gemini-2.5-flash", {"api_key": KEY}),
    "converse": ("bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0", AWS),
    "invoke": ("bedrock:anthropic.claude-3-haiku-20240307-v1:0", AWS),
    "ollama": ("ollama:llama3.2", {}),
    "cohere": ("cohere:command-a-03-2025", {"api_key": KEY}),
    # A bearer token given (an API key would first go to IBM Cloud IAM, not to respx).
    "watsonx": (
        "ibm:ibm/granite-3-8b-instruct",
        {"base_url": "https://us-south.ml.cloud.ibm.com", "token": KEY, "project_id": "p"},
    ),
}
OPENAI_WIRES = ("openai", "responses", "azure", "compatible")
EVERY = tuple(WIRES)

CALL: Any = {"name": "lookup", "args": {}, "id": "call_1", "type": "tool_call"}

#: input -> (the value given to `invoke`, the wires that send it, what a refusal says).
#: A wire not listed refuses it before any request.
TABLE: dict[str, tuple[Any, tuple[str, ...], str]] = {
    # Providers refuse blank text but OpenAI's and Ollama's, which langchain-openai and
    # langchain-ollama send; langchain-aws sends it to Converse as ".".
    "empty string": (
        [HumanMessage("")],
        (*OPENAI_WIRES, "ollama", "converse"),
        "a user message of empty text",
    ),
    "empty text blocks": (
        [HumanMessage([{"type": "text", "text": ""}])],
        (*OPENAI_WIRES, "ollama", "converse"),
        "a user message of empty text",
    ),
    # An empty content array: OpenAI refuses it; langchain-ollama sends it as "",
    # langchain-aws as "." (to Converse, and in InvokeModel's Anthropic body).
    "empty block list": (
        [HumanMessage([])],
        ("ollama", "converse", "invoke"),
        "content is an empty list of blocks",
    ),
    # A tool result answering no call: every provider's 400 but Ollama's template.
    "orphan ToolMessage": (
        [HumanMessage("hi"), ToolMessage("42", tool_call_id="call_9")],
        ("ollama",),
        "which no earlier assistant message made",
    ),
    # LangChain's v1 standard image block, base64: every wire sends it in its own shape.
    "image block v1": (
        [
            HumanMessage(
                [
                    {"type": "text", "text": "what is this?"},
                    {"type": "image", "base64": PNG, "mime_type": "image/png"},
                ]
            )
        ],
        EVERY,
        "",
    ),
    "no messages": ([], (), "empty list of messages|at least one message|no messages"),
    "None content": ([{"role": "user", "content": None}], (), "content"),
    "lone surrogate": ([HumanMessage("caf\udce9")], (), "cannot be sent as UTF-8"),
    "a tool result after its call": (
        [
            HumanMessage("hi"),
            AIMessage("", tool_calls=[CALL]),
            ToolMessage("42", tool_call_id="call_1"),
        ],
        EVERY,
        "",
    ),
}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    """Every request answered 400, which no wire retries (the cohere SDK retries a 5xx
    whatever `max_retries` says, and so does ChatCohere): a sent cell is one request."""
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(return_value=httpx.Response(400, json={"message": "scripted"}))
        yield mock


async def _invoke(chat: Any, value: Any, sync: bool) -> None:
    if sync:
        chat.invoke(value)
    else:
        await chat.ainvoke(value)


def _sent_body(router: respx.MockRouter) -> dict[str, Any]:
    (call,) = router.calls
    body: dict[str, Any] = json.loads(call.request.content)
    return body


#: (input, wire) where the wire leaves the input out, with its partner's warning, as the
#: partner does: the Gemini API's an empty user turn (alone, nothing is left to send).
LEFT_OUT = {("empty string", "gemini"), ("empty block list", "gemini")}


def _in_family(family: str, value: Any) -> Any:
    """The input as a script of `family` writes it: LangChain's messages for the drop-ins."""
    if family == "chatplex":
        return value
    from chatplex.messages._langchain import to_langchain

    return [to_langchain(m) if isinstance(m, BaseMessage) else m for m in value]


#: (input, wire) the drop-in family sends where chatplex's own refuses it, as the partner
#: sends it: langchain-ollama's call of no messages (Ollama loads the model;
#: tests/partners/ollama/test_ollama_probe_s.py holds the rest), and langchain-aws's
#: ChatBedrockConverse's, sent as one "." user turn.
LANGCHAIN_SENDS = {("no messages", "ollama"), ("no messages", "converse")}

#: Each family's `init_chat_model` (decision 001): the same table holds in both.
FAMILIES = ("chatplex", "langchain")


def _model(family: str, wire: str) -> Any:
    name, settings = WIRES[wire]
    if family == "chatplex":
        return init_chat_model(name, max_retries=0, **settings)
    from chatplex.langchain import init_chat_model as langchain_init_chat_model

    if wire == "watsonx":  # langchain-ibm's name for the service URL
        settings = {**settings, "url": settings["base_url"]}
        del settings["base_url"]
    return langchain_init_chat_model(name, max_retries=0, **settings)


# Converse sends a tool result without tools bound as text, warning as langchain-aws does
# (tests/providers/bedrock/test_tool_text.py); here only whether it is sent counts.
@pytest.mark.filterwarnings("ignore:Tool messages were passed without toolConfig:RuntimeWarning")
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", list(WIRES))
@pytest.mark.parametrize("case", list(TABLE))
@pytest.mark.parametrize("family", FAMILIES)
async def test_one_outcome_per_odd_input_and_wire(
    router: respx.MockRouter,
    family: str,
    case: str,
    wire: str,
    sync: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    chat = _model(family, wire)
    value, senders, words = TABLE[case]
    value = _in_family(family, value)
    if family == "langchain" and case == "None content":
        # LangChain reads the dict into a message of empty text before its model sees it
        # (`BaseChatModel._convert_input`): under its names it is the empty-string case.
        case = "empty string"
        senders, words = TABLE[case][1:]
    if family == "langchain" and (case, wire) in LANGCHAIN_SENDS:
        senders = (wire,)
    if wire in senders:
        with pytest.raises(APIError):  # sent: the scripted 400 came back
            await _invoke(chat, value, sync)
        assert router.calls.call_count == 1
        return
    if (case, wire) in LEFT_OUT:
        with (
            pytest.warns(UserWarning, match="HumanMessage with empty content was removed"),
            pytest.raises(ValueError, match="empty list of messages"),
        ):
            await _invoke(chat, value, sync)
        assert router.calls.call_count == 0
        return
    with pytest.raises((ValueError, TypeError)) as info:
        await _invoke(chat, value, sync)
    assert router.calls.call_count == 0, "refused, yet a request went out"
    assert re.search(words, str(info.value)), str(info.value)


def test_a_huge_tool_name_is_refused_on_every_wire_when_bound() -> None:
    # Every provider caps a tool's name at 64 characters of [a-zA-Z0-9_-].
    tool = {"name": "t" * 200, "description": "d", "parameters": {"type": "object"}}
    for name, settings in WIRES.values():
        chat = init_chat_model(name, **settings)
        with pytest.raises(ValueError, match=r"invalid tool name .*\{1,64\}"):
            chat.bind_tools([tool])


# -- a sent cell carries what the partner package sends ---------------------------------


@pytest.mark.parametrize("case", ["empty string", "empty text blocks"])
@pytest.mark.parametrize("wire", ["openai", "azure", "compatible"])
async def test_an_empty_user_text_goes_out_as_langchain_openai_sends_it(
    router: respx.MockRouter, wire: str, case: str
) -> None:
    partner = pytest.importorskip("langchain_openai.chat_models.base")
    from langchain_core.messages import HumanMessage as LCHuman

    name, settings = WIRES[wire]
    value = TABLE[case][0]
    with pytest.raises(APIError):
        init_chat_model(name, max_retries=0, **settings).invoke(value)
    ours = _sent_body(router)["messages"][0]
    theirs = partner._convert_message_to_dict(LCHuman(value[0].content))
    assert ours == theirs


@pytest.mark.parametrize("case", ["empty string", "empty text blocks", "empty block list"])
async def test_an_empty_user_turn_goes_out_to_ollama_as_langchain_ollama_sends_it(
    router: respx.MockRouter, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = pytest.importorskip("langchain_ollama")
    from langchain_core.messages import HumanMessage as LCHuman

    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    value = TABLE[case][0]
    with pytest.raises(APIError):
        init_chat_model("ollama:llama3.2", max_retries=0).invoke(value)
    ours = _sent_body(router)["messages"][0]
    (theirs,) = partner.ChatOllama(model="m")._convert_messages_to_ollama_messages(
        [LCHuman(value[0].content)]
    )
    # The ollama SDK copies each message the partner hands it without its empty members.
    assert ours == {k: v for k, v in theirs.items() if v}


async def test_an_orphan_tool_result_goes_out_to_ollama_as_langchain_ollama_sends_it(
    router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = pytest.importorskip("langchain_ollama")
    from langchain_core.messages import HumanMessage as LCHuman
    from langchain_core.messages import ToolMessage as LCTool

    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    with pytest.raises(APIError):
        init_chat_model("ollama:llama3.2", max_retries=0).invoke(TABLE["orphan ToolMessage"][0])
    ours = _sent_body(router)["messages"]
    theirs = partner.ChatOllama(model="m")._convert_messages_to_ollama_messages(
        [LCHuman("hi"), LCTool("42", tool_call_id="call_9")]
    )
    assert [m["role"] for m in ours] == [m["role"] for m in theirs] == ["user", "tool"]
    assert ours[1]["content"] == theirs[1]["content"] == "42"


@pytest.mark.parametrize("wire", ["anthropic", "invoke"])
async def test_the_v1_image_block_goes_out_as_langchain_anthropic_sends_it(
    router: respx.MockRouter, wire: str
) -> None:
    partner = pytest.importorskip("langchain_anthropic.chat_models")
    from langchain_core.messages import HumanMessage as LCHuman

    name, settings = WIRES[wire]
    value = TABLE["image block v1"][0]
    with pytest.raises(APIError):
        init_chat_model(name, max_retries=0, **settings).invoke(value)
    ours = _sent_body(router)["messages"][0]["content"]
    theirs = partner._format_messages([LCHuman(value[0].content)], model="claude-sonnet-4-5")[1]
    assert ours == theirs[0]["content"]


# -- `n`, the replies asked for -----------------------------------------------------------

#: The wires of chatplex's own family whose API takes `n` (Gemini's as its candidate count).
N_WIRES = ("openai", "azure", "compatible", "gemini", "watsonx")


@pytest.mark.parametrize("n", [0, -1, "2"])
@pytest.mark.parametrize("where", ["constructor", "bind", "call"])
@pytest.mark.parametrize("wire", N_WIRES)
def test_chatplexs_own_family_refuses_n_below_one_before_any_request(
    router: respx.MockRouter, wire: str, where: str, n: Any
) -> None:
    name, settings = WIRES[wire]
    with pytest.raises(ValueError, match=r"^n \(the number of replies asked for\) must be a pos"):
        if where == "constructor":
            init_chat_model(name, max_retries=0, n=n, **settings).invoke("hi")
        chat = init_chat_model(name, max_retries=0, **settings)
        if where == "bind":
            chat.bind(n=n).invoke("hi")
        chat.invoke("hi", n=n)
    assert router.calls.call_count == 0, "refused, yet a request went out"


def test_the_langchain_family_sends_a_calls_n_of_zero_as_langchain_openai_does(
    router: respx.MockRouter,
) -> None:
    """langchain-openai refuses `n=0` given to its constructor (pydantic's error) and
    sends it given to a call, which OpenAI answers with a 400: the drop-in does both."""
    from pydantic import ValidationError

    from chatplex.langchain import ChatOpenAI

    with pytest.raises(ValidationError):
        ChatOpenAI(model="gpt-4o-mini", api_key=KEY, n=0)
    with pytest.raises(APIError):
        ChatOpenAI(model="gpt-4o-mini", api_key=KEY, max_retries=0).invoke("hi", n=0)
    assert _sent_body(router)["n"] == 0


# -- sampling values out of the range a provider's API takes -------------------------------

#: (setting, value) -> the wires whose API takes it (their spec's
#: `setting_ranges`): sent, as LangChain's partner package sends it. Every other wire's API
#: answers it with a 400, and both families refuse it when the model is built; the
#: partner packages send it (tests/partners/test_sampling_range_sidebyside.py).
SAMPLING: dict[tuple[str, float], tuple[str, ...]] = {
    ("temperature", 3): ("ollama", "cohere"),
    ("temperature", -1): ("ollama",),
    ("top_p", 2): ("ollama",),
}


#: (setting, wire) the drop-in family sends where chatplex's own refuses it, as the
#: partner sends it: a setting its class has no field for, moved into `model_kwargs`
#: with the partner's warning (langchain-aws's InvokeModel class's) and sent as given,
#: as every `model_kwargs` value is. (`ChatGroq` moves `top_p` there too, and refuses
#: it as chatplex's own family does.)
LANGCHAIN_MOVES = {("top_p", "invoke")}


@pytest.mark.filterwarnings("ignore:WARNING! top_p is not default parameter:UserWarning")
@pytest.mark.parametrize("wire", list(WIRES))
@pytest.mark.parametrize("case", list(SAMPLING), ids=[f"{k}={v}" for k, v in SAMPLING])
@pytest.mark.parametrize("family", FAMILIES)
def test_a_sampling_value_is_sent_where_the_providers_api_takes_it(
    router: respx.MockRouter,
    family: str,
    case: tuple[str, float],
    wire: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    setting, value = case
    name, settings = WIRES[wire]
    if family == "langchain":
        from chatplex.langchain import init_chat_model as build
    else:
        build = init_chat_model
    if wire == "watsonx" and family == "langchain":  # langchain-ibm's name for the URL
        settings = {**settings, "url": settings["base_url"]}
        del settings["base_url"]
    senders = SAMPLING[case]
    if family == "langchain" and (setting, wire) in LANGCHAIN_MOVES:
        senders = (wire,)
    if wire not in senders:
        with pytest.raises(ValueError, match=setting):  # (pydantic's ValidationError too)
            build(name, max_retries=0, **{setting: value}, **settings)
        return
    with pytest.raises(APIError):  # sent: the scripted 400 came back
        build(name, max_retries=0, **{setting: value}, **settings).invoke("hi")
    body = _sent_body(router)
    assert body.get("options", body)[setting] == value  # (Ollama's are its options)
