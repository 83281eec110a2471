"""Bad input reaching the server: each case is a clear ValueError/TypeError naming what
was wrong, raised before any HTTP call (respx sees no request), on both providers, sync
and async, invoke and stream. And the adapters' declared content-block types."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex import AIMessage
from chatplex import HumanMessage
from chatplex import ToolMessage
from chatplex import init_chat_model
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.validate import CreateRefusal
from chatplex.adapters.validate import base64_data_url
from chatplex.adapters.validate import check_call
from chatplex.adapters.validate import check_headers
from chatplex.adapters.validate import check_messages
from chatplex.adapters.validate import image_block_url
from chatplex.adapters.validate import inline_image
from chatplex.adapters.validate import not_sendable
from chatplex.adapters.validate import unexpected_keyword
from chatplex.errors import APIError
from chatplex.messages import CHAT_ROLE_KEY
from chatplex.messages import FUNCTION_RESULT_KEY
from chatplex.providers.anthropic.adapter import BLOCK_TYPES as ANTHROPIC_TYPES
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.openai.adapter import BLOCK_TYPES as OPENAI_TYPES
from chatplex.providers.openai.adapter import OpenAIAdapter

KEY = "sk-validate-test"
LONE = "\ud83d"  # half of a surrogate pair, as a JSON "\ud83d" escape cut short

#: (messages, error type, words the message must contain)
BAD: dict[str, tuple[Any, type[Exception], str]] = {
    "dict-without-content": ([{"role": "user"}], ValueError, "message 0: content is missing"),
    "tuple-with-none": (
        [("system", "be brief"), ("user", None)],
        ValueError,
        "message 1: content is missing",
    ),
    "message-with-none": ([HumanMessage(None)], ValueError, "message 0: content is None"),  # type: ignore[arg-type]
    "content-not-text": ([HumanMessage(42)], TypeError, "message 0: content must be"),  # type: ignore[arg-type]
    "unknown-block": (
        [("user", [{"type": "bogus", "text": "x"}])],
        ValueError,
        "message 0: content block 0 has type 'bogus'",
    ),
    "block-without-type": (
        [("user", ["fine", {"text": "x"}])],
        ValueError,
        "message 0: content block 1 has no 'type'",
    ),
    "lone-surrogate-in-text": (
        [("user", "hi"), ("assistant", "ok"), ("user", f"bad {LONE} text")],
        ValueError,
        "message 2: its text has a character that cannot be sent as UTF-8 at position 4",
    ),
    "lone-surrogate-in-a-block": (
        [("user", [{"type": "text", "text": f"{LONE}x"}])],
        ValueError,
        "message 0: content block 0, field 'text' has a character that cannot be sent "
        "as UTF-8 at position 0",
    ),
    "lone-surrogate-in-tool-args": (
        [
            ("user", "hi"),
            AIMessage(
                "", tool_calls=[{"name": "f", "args": {"q": LONE}, "id": "c1", "type": "tool_call"}]
            ),
        ],
        ValueError,
        "message 1: tool call 'f', field 'args', field 'q'",
    ),
}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(return_value=httpx.Response(500))
        yield mock


def model(provider: str, **settings: Any) -> Any:
    name = "openai:gpt-4o-mini" if provider == "openai" else "anthropic:claude-sonnet-4-5"
    return init_chat_model(name, api_key=KEY, max_retries=0, **settings)


async def call(chat: Any, sync: bool, mode: str, value: Any) -> None:
    if mode == "invoke":
        if sync:
            chat.invoke(value)
        else:
            await chat.ainvoke(value)
    elif sync:
        list(chat.stream(value))
    else:
        [c async for c in chat.astream(value)]


@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("case", list(BAD))
async def test_bad_input_is_refused_before_any_request(
    router: respx.MockRouter, case: str, provider: str, sync: bool, mode: str
) -> None:
    value, error, words = BAD[case]
    with pytest.raises(error) as info:
        await call(model(provider), sync, mode, value)
    assert words in str(info.value)
    assert router.calls.call_count == 0


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_text_outside_the_messages_is_named_by_its_place_in_the_body(
    router: respx.MockRouter, provider: str
) -> None:
    chat = model(provider, metadata={"note": f"x{LONE}"})  # a provider extra
    with pytest.raises(ValueError, match=r"request body\['metadata'\]\['note'\] .* position 1"):
        await chat.ainvoke("hi")
    assert router.calls.call_count == 0


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize(
    ("base_url", "words"),
    [
        ("localhost:8000/v1", "did you mean 'https://localhost:8000/v1'"),
        ("ftp://files.example/v1", "http:// or https://"),
        ("https://", "with a host"),
        ("http:///v1", "with a host"),
        ("https://gw.example:port/v1", "not a valid URL"),
    ],
)
def test_a_bad_base_url_fails_at_construction(provider: str, base_url: str, words: str) -> None:
    with pytest.raises(ValueError, match="base_url") as info:
        model(provider, base_url=base_url)
    assert words in str(info.value)


def test_a_bad_base_url_error_does_not_repeat_a_key_in_its_query() -> None:
    with pytest.raises(ValueError) as info:
        model("openai", base_url=f"ftp://gw.example/v1?api-key={KEY}")
    assert KEY not in str(info.value) and "api-key=***" in str(info.value)


def test_good_base_urls_are_kept() -> None:
    for url in ("http://localhost:11434/v1", "https://gw.example/openai/v1?api-version=2"):
        assert model("openai", base_url=url).adapter.base_url == url.rstrip("/")


# -- declared content-block types ---------------------------------------------------------

SETTINGS = CallSettings(model="m")


def test_the_block_types_the_corpus_and_the_replies_use_are_declared() -> None:
    for kind in ("text", "image_url", "input_audio", "file", "refusal", "reasoning", "thinking"):
        assert OPENAI_TYPES.allows(kind)
    for kind in (
        "text",
        "image",
        "image_url",
        "document",
        "tool_use",
        "tool_result",
        "thinking",
        "redacted_thinking",
        "server_tool_use",
        "web_search_tool_result",
        "tool_search_tool_result",
        "reasoning",
    ):
        assert ANTHROPIC_TYPES.allows(kind)
    assert not OPENAI_TYPES.allows("tool_result") and not ANTHROPIC_TYPES.allows("bogus")


@pytest.mark.parametrize("cls", [OpenAIAdapter, AnthropicAdapter])
def test_extra_block_types_declare_more(cls: type) -> None:
    message = HumanMessage([{"type": "video", "url": "https://x.test/v.mp4"}])
    with pytest.raises(ValueError, match="extra_block_types"):
        cls(api_key=KEY).build_request([message], SETTINGS, stream=False)
    adapter = cls(api_key=KEY, extra_block_types=["video"])
    body = adapter.build_request([message], SETTINGS, stream=False).json
    assert body["messages"][0]["content"] == [{"type": "video", "url": "https://x.test/v.mp4"}]


def test_an_openai_wire_assistant_turn_with_tool_calls_and_null_content_is_sent() -> None:
    call_ = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call_]},
        {"role": "tool", "tool_call_id": "c1", "content": "42"},
    ]
    from chatplex.messages import coerce_messages

    body = OpenAIAdapter(api_key=KEY).build_request(
        coerce_messages(messages), SETTINGS, stream=False
    )
    assert body.json["messages"][1]["content"] is None
    assert body.json["messages"][1]["tool_calls"][0]["id"] == "c1"


# -- the same odd input, every wire -------------------------------------------------------

#: Each wire as a user configures it (fake keys; respx answers nothing: no call is made).
WIRES: dict[str, tuple[str, dict[str, Any]]] = {
    "openai": ("openai:gpt-4o-mini", {"api_key": KEY}),
    "openai-responses": ("openai:gpt-4o-mini", {"api_key": KEY, "use_responses_api": True}),
    "azure": (
        "azure_openai:gpt-4o",
        {
            "api_key": KEY,
            "azure_endpoint": "https://x.openai.azure.com",
            "api_version": "2024-10-21",
        },
    ),
    "groq": ("groq:llama-3.1-8b-instant", {"api_key": KEY}),
    "anthropic": ("anthropic:claude-sonnet-4-5", {"api_key": KEY}),
    "google": ("google_genai:gemini-2.5-flash", {"api_key": KEY}),
    "bedrock": (
        "bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0",
        {
            "region_name": "us-east-1",
            "aws_access_key_id": "AKIAEXAMPLE",
            "aws_secret_access_key": "s",
        },
    ),
    "ollama": ("ollama:llama3.2", {}),
}

NOT_BASE64 = "data:image/png;base64,!!not-base64!!"
#: Input some provider answers with a 400 (or at random): refused alike on every wire.
ODD: dict[str, tuple[Any, str]] = {
    "empty-user-text": ([HumanMessage("")], "message 0: a user message of empty text ('')"),
    "empty-user-blocks": ([HumanMessage([])], "message 0: content is an empty list of blocks"),
    "image-not-base64": (
        [("user", [{"type": "image_url", "image_url": {"url": NOT_BASE64}}])],
        "message 0: content block 0: its base64 data is not valid base64",
    ),
    "image-url-of-text": (
        [("user", [{"type": "image_url", "image_url": {"url": "data:text/plain;base64,aGk="}}])],
        "message 0: content block 0: an image_url data URL of type 'text/plain', not an image",
    ),
    "data-url-without-base64": (
        [("user", [{"type": "image_url", "image_url": {"url": "data:image/png,raw"}}])],
        "message 0: content block 0: a data URL must be data:<type>;base64,<data>",
    ),
    "empty-text-blocks-only": (
        [HumanMessage([{"type": "text", "text": ""}])],
        "message 0: a user message of empty text",
    ),
    "image-url-empty": (
        [("user", [{"type": "image_url", "image_url": {"url": ""}}])],
        "message 0: content block 0: an image_url with no URL",
    ),
    "standard-image-of-text": (
        [("user", [{"type": "image", "base64": "aGk=", "mime_type": "text/plain"}])],
        "message 0: content block 0: an image block of type 'text/plain', not an image",
    ),
    "standard-image-data-url-of-text": (
        [("user", [{"type": "image", "url": "data:text/plain;base64,aGk="}])],
        "message 0: content block 0: an image block of type 'text/plain', not an image",
    ),
    "standard-image-not-base64": (
        [("user", [{"type": "image", "base64": "!!nope!!", "mime_type": "image/png"}])],
        "message 0: content block 0: its base64 data is not valid base64",
    ),
    "tool-result-without-call": (
        [("user", "hi"), ToolMessage("rain", tool_call_id="call_9")],
        "message 1: a tool result for tool call 'call_9', which no earlier assistant message made",
    ),
}

#: Where a wire's server takes the input, its wire sends it, as the partner package does
#: (see `chatplex.adapters.validate`): Ollama takes a tool result without its call and
#: an empty turn; OpenAI's wires (Azure's and the compatible servers' too) an empty
#: user text, which langchain-openai sends; Bedrock Converse an empty turn sent as ".",
#: as langchain-aws sends it.
TAKEN = {
    ("ollama", "tool-result-without-call"),
    *(
        (wire, case)
        for wire in ("ollama", "bedrock")
        for case in ("empty-user-text", "empty-user-blocks", "empty-text-blocks-only")
    ),
    *(
        (wire, case)
        for wire in ("openai", "openai-responses", "azure", "groq")
        for case in ("empty-user-text", "empty-text-blocks-only")
    ),
}


#: Where a wire's partner leaves the input out with a warning, its wire does too: the
#: Gemini API's an empty user turn (alone, nothing is left to send).
LEFT_OUT = {("google", "empty-user-text"), ("google", "empty-user-blocks")}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", list(WIRES))
@pytest.mark.parametrize("case", list(ODD))
async def test_the_same_odd_input_is_refused_on_every_wire(
    router: respx.MockRouter, case: str, wire: str, sync: bool
) -> None:
    name, settings = WIRES[wire]
    chat = init_chat_model(name, max_retries=0, **settings)
    value, words = ODD[case]
    if (wire, case) in TAKEN:
        with pytest.raises(APIError):  # sent: the scripted 500 comes back
            await call(chat, sync, "invoke", value)
        assert router.calls.call_count == 1
        return
    if (wire, case) in LEFT_OUT:
        with (
            pytest.warns(UserWarning, match="HumanMessage with empty content was removed"),
            pytest.raises(ValueError, match="empty list of messages"),
        ):
            await call(chat, sync, "invoke", value)
        assert router.calls.call_count == 0
        return
    with pytest.raises(ValueError) as info:
        await call(chat, sync, "invoke", value)
    assert words in str(info.value)
    assert router.calls.call_count == 0


def test_a_tool_result_answering_an_earlier_call_passes() -> None:
    call_ = {"name": "f", "args": {}, "id": "c1", "type": "tool_call"}
    broken = {
        "name": "f",
        "args": "{",
        "id": "c2",
        "error": "bad JSON",
        "type": "invalid_tool_call",
    }
    history = [
        HumanMessage("hi"),
        AIMessage("", tool_calls=[call_], invalid_tool_calls=[broken]),  # type: ignore[list-item]
        ToolMessage("one", tool_call_id="c1"),
        ToolMessage("two", tool_call_id="c2"),
        AIMessage([{"type": "function_call", "call_id": "c3", "name": "f", "arguments": "{}"}]),
        ToolMessage("three", tool_call_id="c3"),
    ]
    check_messages(history, provider="openai", block_types=OPENAI_TYPES.plus(["function_call"]))
    with pytest.raises(ValueError, match="tool call 'c4'"):
        check_messages(
            [*history, ToolMessage("four", tool_call_id="c4")],
            provider="openai",
            block_types=OPENAI_TYPES.plus(["function_call"]),
        )
    check_messages(  # a wire that takes results without calls says so
        [HumanMessage("hi"), ToolMessage("four", tool_call_id="c4")],
        provider="ollama",
        block_types=OPENAI_TYPES,
        results_need_calls=False,
    )


#: A function call made the legacy way and its answer by name (as the drop-ins convert
#: LangChain's FunctionMessage).
LEGACY_CALL = AIMessage(
    "", additional_kwargs={"function_call": {"name": "f", "arguments": '{"x": 1}'}}
)
BY_NAME = ToolMessage(
    "sunny", tool_call_id="f", name="f", additional_kwargs={FUNCTION_RESULT_KEY: True}
)


def test_a_result_by_name_is_refused_unless_the_wire_sends_it() -> None:
    history = [HumanMessage("hi"), LEGACY_CALL, BY_NAME]
    words = (
        r"message 2: a function result by name \(LangChain's FunctionMessage, legacy "
        r"function calling\), which this chat model's API does not take; use ToolMessage"
    )
    with pytest.raises(TypeError, match=words):
        check_messages(history, provider="anthropic", block_types=ANTHROPIC_TYPES)
    with pytest.raises(TypeError, match=words):  # taking results without calls is not this
        check_messages(
            history, provider="ollama", block_types=OPENAI_TYPES, results_need_calls=False
        )
    # Where the wire sends it, it answers its call by name: no call id to pair it with.
    check_messages(history, provider="openai", block_types=OPENAI_TYPES, function_results=True)
    # A plain tool result still needs its call there.
    with pytest.raises(ValueError, match="tool call 'f', which no earlier"):
        check_messages(
            [HumanMessage("hi"), LEGACY_CALL, ToolMessage("sunny", tool_call_id="f")],
            provider="openai",
            block_types=OPENAI_TYPES,
            function_results=True,
        )


def test_a_chat_message_role_no_api_has_is_refused_unless_the_wire_writes_it() -> None:
    def given(role: str) -> list[Any]:
        return [HumanMessage("Too long.", additional_kwargs={CHAT_ROLE_KEY: role})]

    with pytest.raises(ValueError, match=r"message 0: unknown role 'critic'; known roles"):
        check_messages(given("critic"), provider="openai", block_types=OPENAI_TYPES)
    # A role the APIs have a turn for passes (it is sent as its type), and any role
    # where the wire writes it as given (a prompt template).
    check_messages(given("user"), provider="openai", block_types=OPENAI_TYPES)
    check_messages(given("critic"), provider="bedrock", block_types=OPENAI_TYPES, chat_roles=True)


#: The wires whose partner sends a result by name (langchain-openai, -groq,
#: -google-genai): the others' partners raise, or (the Responses API's) send what the
#: API refuses.
SEND_RESULTS_BY_NAME = {"openai", "azure", "groq", "google"}
#: Wires beyond `WIRES` whose partner converts no FunctionMessage.
NO_RESULTS_BY_NAME = {
    "cohere": ("cohere:command-a-03-2025", {"api_key": KEY}),
    "mistralai": ("mistralai:mistral-small-latest", {"api_key": KEY}),
    "sambanova": ("sambanova:Meta-Llama-3.3-70B-Instruct", {"api_key": KEY}),
    "perplexity": ("perplexity:sonar", {"api_key": KEY}),
}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", [*WIRES, *NO_RESULTS_BY_NAME])
async def test_a_result_by_name_is_sent_only_where_the_wire_sends_it(
    router: respx.MockRouter, wire: str, sync: bool
) -> None:
    name, settings = {**WIRES, **NO_RESULTS_BY_NAME}[wire]
    chat = init_chat_model(name, max_retries=0, **settings)
    history = [HumanMessage("hi"), LEGACY_CALL, BY_NAME]
    if wire in SEND_RESULTS_BY_NAME:
        with pytest.raises(APIError):  # sent: the scripted 500 comes back
            await call(chat, sync, "invoke", history)
        assert router.calls.call_count == 1
        return
    with pytest.raises(TypeError, match="message 2: a function result by name"):
        await call(chat, sync, "invoke", history)
    assert router.calls.call_count == 0


def test_an_empty_reply_is_taken_only_where_the_wire_says() -> None:
    history = [HumanMessage("hi"), AIMessage([]), HumanMessage("again")]
    with pytest.raises(ValueError, match="message 1: content is an empty list of blocks"):
        check_messages(history, provider="openai", block_types=OPENAI_TYPES)
    check_messages(history, provider="openai_responses", block_types=OPENAI_TYPES, empty_reply=True)
    with pytest.raises(ValueError, match="message 0: content is an empty list of blocks"):
        check_messages(  # a user turn of no blocks is still refused
            [HumanMessage([])],
            provider="openai_responses",
            block_types=OPENAI_TYPES,
            empty_reply=True,
        )


def test_base64_may_leave_off_its_padding() -> None:
    unpadded = "aGk"  # "hi" without its "="
    block = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{unpadded}"}}
    check_messages([HumanMessage([block])], provider="openai", block_types=OPENAI_TYPES)


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"x-note": "Zürich"}, "the value of 'x-note' has a character that is not printable ASCII"),
        ({"x-note": "a\r\nx-injected: 1"}, "the value of 'x-note' has a character that is not"),
        ({"x note": "a"}, "'x note' is not a header name"),
        ({"x-count": 3}, "the value of 'x-count' is a int, not a str"),
        (5, "must be a dict of header names to values, got int"),  # (an AttributeError)
    ],
)
@pytest.mark.parametrize("wire", list(WIRES))
def test_headers_no_request_can_carry_are_refused_when_the_model_is_built(
    wire: str, headers: dict[str, Any], words: str
) -> None:
    """Before any signer or request sees them (httpx raised a bare UnicodeEncodeError at
    the first call; on Bedrock, botocore's signer an AttributeError whose frame held the
    session token), on every wire alike, never quoting the value."""
    name, settings = WIRES[wire]
    with pytest.raises((ValueError, TypeError)) as info:
        init_chat_model(name, default_headers=headers, **settings)
    assert words in str(info.value) and "default_headers" in str(info.value)
    assert "Zürich" not in str(info.value) and "injected" not in str(info.value)


def test_ascii_and_byte_header_values_pass() -> None:
    check_headers({"x-a": "plain text\twith a tab", "x-b": b"raw"}, "default_headers")


def test_a_call_needs_a_message_and_its_messages_checked() -> None:
    with pytest.raises(ValueError, match="empty list of messages"):
        check_call([], provider="openai", block_types=OPENAI_TYPES)
    tool_result = ToolMessage("42", tool_call_id="call_1")
    with pytest.raises(ValueError, match="no earlier assistant message made"):
        check_call([tool_result], provider="openai", block_types=OPENAI_TYPES)
    check_call(  # a wire that takes a result with no call before it says so
        [tool_result], provider="ollama", block_types=OPENAI_TYPES, results_need_calls=False
    )


def test_a_base64_data_url_gives_its_media_type_and_data() -> None:
    assert base64_data_url("data:image/png;name=a.png;base64,iVBO", "message 1", "to X") == (
        "image/png",
        "iVBO",
    )


@pytest.mark.parametrize(
    "url", ["data:image/png,iVBO", "data:;base64,iVBO", "data:image/png;base64", "data:"]
)
def test_other_data_urls_are_refused_naming_the_place_and_the_destination(url: str) -> None:
    with pytest.raises(ValueError, match=r"^message 1: only base64 data URLs .* sent to X$"):
        base64_data_url(url, "message 1", "to X")


def test_a_message_no_wire_sends_is_named_with_the_four_it_could_be() -> None:
    error = not_sendable(AIMessage("hi"), "message 2: the X adapter")
    assert isinstance(error, TypeError)
    assert str(error) == (
        "message 2: the X adapter cannot send a AIMessage; use SystemMessage, HumanMessage, "
        "AIMessage or ToolMessage"
    )


def test_an_inline_image_block_gives_its_media_type_and_data_in_either_form() -> None:
    assert inline_image({"type": "image", "base64": "iVBO", "mime_type": "image/png"}) == (
        "image/png",
        "iVBO",
    )
    old = {"type": "image", "source_type": "base64", "data": "R0lG", "mime_type": "image/gif"}
    assert inline_image(old) == ("image/gif", "R0lG")
    assert inline_image({"type": "image", "url": "https://x.test/a.png"}) is None
    with pytest.raises(ValueError, match="^message 2: an image block with base64 data needs"):
        inline_image({"type": "image", "base64": "iVBO"}, "message 2")
    with pytest.raises(ValueError, match="^an image block with base64 data needs its mime_type"):
        inline_image({"type": "image", "base64": "iVBO", "mime_type": ""})


def test_an_image_block_becomes_a_data_url_or_its_own_url() -> None:
    inline = {"type": "image", "base64": "iVBO", "mime_type": "image/png"}
    assert image_block_url(inline, "X") == "data:image/png;base64,iVBO"
    assert image_block_url({"type": "image", "url": "https://x.test/a.png"}, "X") == (
        "https://x.test/a.png"
    )
    with pytest.raises(ValueError, match="X takes an image block by url or base64 data"):
        image_block_url({"type": "image", "file_id": "f1"}, "X")


def test_unexpected_keyword_names_the_first_not_taken_as_python_words_it() -> None:
    taken = {"temperature", "model"}
    assert unexpected_keyword("Client.chat()", ["temperature", "foo", "stream_usage"], taken) == (
        "Client.chat() got an unexpected keyword argument 'foo'"
    )
    assert unexpected_keyword("Client.chat()", ["temperature", "model"], taken) is None
    assert unexpected_keyword("Client.chat()", [], taken) is None


def test_a_create_refusal_names_the_sync_or_async_create_and_pickles() -> None:
    refusal = CreateRefusal("Messages")
    sync, asynchronous = refusal(None, "seed", 3, False), refusal(None, "seed", 3, True)
    assert isinstance(sync, TypeError)
    assert str(sync) == "Messages.create() got an unexpected keyword argument 'seed'"
    assert str(asynchronous) == "AsyncMessages.create() got an unexpected keyword argument 'seed'"
    assert pickle.loads(pickle.dumps(refusal)) == refusal
