"""BedrockInvokeAdapter: InvokeModel paths, Anthropic's body as langchain-aws sends it,
signed requests, the per-call shape its stream parser reads, families refused before
any request, and errors named as InvokeModel's."""

from __future__ import annotations

import json

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock import invoke
from chatplex.providers.bedrock.adapter import BedrockAdapter
from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter
from chatplex.providers.bedrock.invoke import model_family
from tests._replies import anthropic_message
from tests.providers.bedrock._keys import SECRET
from tests.providers.bedrock._keys import keyed_with

pytest.importorskip("botocore")

MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
ADD = ToolSpec(
    name="add",
    description="Add two integers.",
    parameters={"type": "object", "properties": {"a": {"type": "integer"}}},
)


pytestmark = pytest.mark.usefixtures("isolated_aws")


def keyed(**settings: object) -> BedrockInvokeAdapter:
    return keyed_with(BedrockInvokeAdapter, **settings)


def call(adapter: BedrockInvokeAdapter, messages: list, stream: bool = False, **settings: object):
    view = adapter.for_model(str(settings.get("model", MODEL)))
    request = view.build_request(
        messages, CallSettings(**{"model": MODEL, **settings}), stream=stream
    )
    return view, request


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(invoke)
    assert failures == 0 and tried > 0


def test_paths_are_invoke_and_its_stream() -> None:
    adapter = keyed()
    _, plain = call(adapter, [HumanMessage("Hi")])
    _, streamed = call(adapter, [HumanMessage("Hi")], stream=True)
    base = "https://bedrock-runtime.us-west-2.amazonaws.com/model/"
    assert plain.url == base + "us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke"
    assert (
        streamed.url
        == base + "us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"
    )


def test_the_body_is_anthropics_as_langchain_aws_sends_it() -> None:
    messages = [SystemMessage("Be brief."), HumanMessage("Hi")]
    _, request = call(keyed(), messages, stream=True, temperature=0.5, top_p=0.9, stop=("END",))
    assert request.json == {
        "anthropic_version": "bedrock-2023-05-31",
        "messages": [{"role": "user", "content": "Hi"}],
        "system": "Be brief.",
        "max_tokens": 1024,
        "temperature": 0.5,
        "top_p": 0.9,
        "stop_sequences": ["END"],
    }  # no `model` (in the path), no `stream` (the path says it)
    assert json.loads(request.content) == request.json  # the bytes signed are the bytes sent


@pytest.mark.parametrize("stream", [False, True])
def test_an_empty_reply_mid_history_goes_as_a_dot_as_langchain_aws(stream: bool) -> None:
    # langchain-aws' ChatBedrock sends an empty AI message as a text block "." (Bedrock
    # refuses empty content), where the Anthropic API's wire leaves it out.
    history = [HumanMessage("Hi"), AIMessage(""), HumanMessage("Again")]
    _, request = call(keyed(), history, stream=stream)
    assert request.json["messages"] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": [{"type": "text", "text": "."}]},
        {"role": "user", "content": "Again"},
    ]


def test_model_kwargs_go_in_the_body_and_set_max_tokens() -> None:
    _, request = call(keyed(), [HumanMessage("Hi")], extra_body={"top_k": 5, "max_tokens": 200})
    assert (request.json["top_k"], request.json["max_tokens"]) == (5, 200)
    _, given = call(keyed(), [HumanMessage("Hi")], extra_body={"max_tokens": 200}, max_tokens=9)
    assert given.json["max_tokens"] == 9


def test_tools_and_tool_choice() -> None:
    _, request = call(keyed(), [HumanMessage("Hi")], tools=(ADD,), tool_choice="add")
    assert request.json["tools"] == [
        {"name": "add", "description": "Add two integers.", "input_schema": ADD.parameters}
    ]
    assert request.json["tool_choice"] == {"type": "tool", "name": "add"}
    _, anyone = call(keyed(), [HumanMessage("Hi")], tools=(ADD,), tool_choice="any")
    assert anyone.json["tool_choice"] == {"type": "any"}


def test_auto_or_none_without_tools_is_sent_and_the_rest_refused() -> None:
    """A choice given with no tools: 'auto' and 'none' sent as Anthropic's objects (never
    left out), one that needs a tool refused before any request."""
    for word in ("auto", "none"):
        _, request = call(keyed(), [HumanMessage("Hi")], tool_choice=word)
        assert request.json["tool_choice"] == {"type": word} and "tools" not in request.json
    with pytest.raises(ValueError, match="needs tools"):
        call(keyed(), [HumanMessage("Hi")], tool_choice="any")


def test_a_bound_empty_tool_list_goes_as_langchain_aws_sends_it() -> None:
    """ChatBedrock's bind_tools([]) leaves `tools: []` in its kwargs, which go in an
    Anthropic model's body, and a stream then reads its text as blocks (`"tools" in
    params`); nothing bound sends no member, and a prompt family gets none."""
    assert BedrockInvokeAdapter.empty_tool_list_sent
    view, request = call(keyed(), [HumanMessage("Hi")], stream=True, tool_list_bound=True)
    assert request.json["tools"] == [] and view._stream_blocks
    assert "tools" not in call(keyed(), [HumanMessage("Hi")])[1].json
    llama = "us.meta.llama3-1-70b-instruct-v1:0"
    _, prompt = call(keyed(), [HumanMessage("Hi")], model=llama, tool_list_bound=True)
    assert "tools" not in prompt.json


def test_a_tool_without_a_description_goes_described_by_its_name() -> None:
    """with_structured_output of a class without a docstring binds such a tool:
    langchain-aws's convert_to_anthropic_tool describes it by its name."""
    bare = ToolSpec("Classification", "", {"type": "object", "properties": {}})
    _, request = call(keyed(), [HumanMessage("Hi")], tools=(bare,), tool_choice="Classification")
    sent = request.json["tools"][0]
    assert (sent["name"], sent["description"]) == ("Classification", "Classification")


def test_a_tool_round_trip_is_sent_as_anthropic_blocks() -> None:
    first = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "toolu_1"}])
    messages = [HumanMessage("1?"), first, ToolMessage("1", tool_call_id="toolu_1")]
    _, request = call(keyed(), messages, tools=(ADD,))
    turns = request.json["messages"]
    assert turns[1]["content"][-1] == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "add",
        "input": {"a": 1},
    }
    assert turns[2]["content"][0]["type"] == "tool_result"


@pytest.mark.parametrize("stream", [False, True])
def test_a_failed_tool_result_carries_no_is_error_as_langchain_aws(stream: bool) -> None:
    """langchain-aws's ChatBedrock sends a ToolMessage(status="error") as its content
    alone (issue 47); the message given is not changed."""
    first = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "toolu_1"}])
    failed = ToolMessage("Error: down", tool_call_id="toolu_1", status="error")
    _, request = call(keyed(), [HumanMessage("1?"), first, failed], tools=(ADD,), stream=stream)
    assert request.json["messages"][2]["content"] == [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Error: down"}
    ]
    assert failed.status == "error"


def test_requests_are_signed_with_sigv4() -> None:
    _, request = call(keyed(), [HumanMessage("Hi")])
    assert request.headers["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-west-2/bedrock/aws4_request"
    )
    assert SECRET not in repr(request.headers) and SECRET not in repr(keyed())


def test_stream_text_comes_as_blocks_with_tools_thinking_or_citations() -> None:
    adapter = keyed()
    assert call(adapter, [HumanMessage("Hi")], stream=True)[0]._stream_blocks is False
    assert call(adapter, [HumanMessage("Hi")], stream=True, tools=(ADD,))[0]._stream_blocks
    thinking = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    assert call(adapter, [HumanMessage("Hi")], stream=True, extra_body=thinking)[0]._stream_blocks
    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "The sky is blue."},
        "citations": {"enabled": True},
    }
    cited = HumanMessage(content=[document, {"type": "text", "text": "Colour?"}])
    view, _ = call(adapter, [cited])
    assert view._citations and view._stream_blocks
    assert adapter._stream_blocks is False  # the shared adapter is never changed by a call


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic"),
        ("eu.anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic"),
        ("meta.llama3-1-70b-instruct-v1:0", "meta"),
        ("us.meta.llama3-2-1b-instruct-v1:0", "meta"),
        ("amazon.titan-text-express-v1", "amazon"),
    ],
)
def test_model_family(model: str, family: str) -> None:
    assert model_family(model) == family


def test_other_families_are_refused_before_any_request() -> None:
    with pytest.raises(NotImplementedError, match="'cohere'.*beta_use_converse_api=True"):
        call(keyed(), [HumanMessage("Hi")], model="cohere.command-r-v1:0")
    adapter = keyed()
    adapter.family = "anthropic"  # provider="anthropic": a profile whose id does not say
    _, request = call(adapter, [HumanMessage("Hi")], model="my-claude-profile")
    assert request.url.endswith("/model/my-claude-profile/invoke")


def test_bad_input_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="empty list"):
        call(keyed(), [])
    with pytest.raises(ValueError, match="only system messages"):
        call(keyed(), [SystemMessage("Be brief.")])


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ({"type": "image", "file_id": "file-abc123"}, "Image data only supported through"),
        ({"type": "file", "file_id": "file-abc123"}, "Blocks of type file not supported."),
    ],
)
def test_a_block_by_file_id_is_refused_in_langchain_aws_words(block: dict, words: str) -> None:
    # Bedrock has no Files API; langchain-aws's ChatBedrock raises so before sending.
    message = HumanMessage([{"type": "text", "text": "Describe it."}, block])
    with pytest.raises(ValueError, match=words):
        call(keyed(), [message])
    pdf = {"type": "file", "base64": "JVBERi0=", "mime_type": "application/pdf"}
    _, request = call(keyed(), [HumanMessage([{"type": "text", "text": "Describe it."}, pdf])])
    # (a turn's documents go before its text, as langchain-aws orders them)
    assert request.json["messages"][0]["content"][0]["source"]["type"] == "base64"


def test_a_plain_text_file_of_base64_goes_as_its_text_or_is_refused() -> None:
    # The Messages API takes base64 documents as PDFs only: the text goes decoded.
    text = {"type": "file", "base64": "aMOpIQ==", "mime_type": "text/plain"}
    _, request = call(keyed(), [HumanMessage([{"type": "text", "text": "Read."}, text])])
    source = {"type": "text", "media_type": "text/plain", "data": "hé!"}
    assert request.json["messages"][0]["content"][0] == {"type": "document", "source": source}
    bad = {**text, "base64": "/w=="}  # no UTF-8 text
    with pytest.raises(ValueError, match="Blocks of type file not supported."):
        call(keyed(), [HumanMessage([{"type": "text", "text": "Read."}, bad])])


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ({"type": "image", "url": "https://a.example/c.png"}, "Image data only supported"),
        (
            {"type": "image", "source_type": "url", "url": "https://a.example/c.png"},
            "Image data only supported",
        ),
        ({"type": "file", "url": "https://a.example/a.pdf"}, "Blocks of type file not supported."),
        (
            {"type": "image_url", "image_url": {"url": "https://a.example/c.png"}},
            "Anthropic only supports base64-encoded images",
        ),
    ],
)
def test_a_standard_block_by_url_is_refused_in_langchain_aws_words(block: dict, words: str) -> None:
    # Bedrock fetches no URL; langchain-aws's ChatBedrock raises so before sending.
    with pytest.raises(ValueError, match=words):
        call(keyed(), [HumanMessage([{"type": "text", "text": "Describe it."}, block])])
    # Anthropic's own block by URL goes as written, as langchain-aws sends it.
    own = {"type": "image", "source": {"type": "url", "url": "https://a.example/c.png"}}
    _, request = call(keyed(), [HumanMessage([{"type": "text", "text": "Describe it."}, own])])
    assert request.json["messages"][0]["content"][1] == own


def test_a_bedrock_api_key_goes_only_over_https() -> None:
    adapter = keyed(api_key="bedrock-key", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="only over https"):
        call(adapter, [HumanMessage("Hi")])


def test_built_over_a_converse_adapter_and_its_headers() -> None:
    converse = BedrockAdapter(
        region_name="eu-west-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key=SECRET,
        default_headers={"x-team": "search"},
    )
    adapter = BedrockInvokeAdapter.from_converse(converse)
    adapter.add_headers({"X-Amzn-Bedrock-GuardrailIdentifier": "g-1"})
    _, request = call(adapter, [HumanMessage("Hi")])
    assert (
        request.url
        == "http://127.0.0.1:9/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke"
    )
    assert request.headers["x-team"] == "search"
    assert request.headers["x-amzn-bedrock-guardrailidentifier"] == "g-1"
    signed = request.headers["authorization"].split("SignedHeaders=")[1]
    assert "x-amzn-bedrock-guardrailidentifier" in signed
    assert "x-amzn-bedrock-guardrailidentifier" not in converse._headers  # its own copy
    with pytest.raises(ValueError):
        adapter.add_headers({"x-bad": "caf\u00e9"})


def test_errors_are_named_bedrock() -> None:
    body = json.dumps({"message": "Too many requests."}).encode()
    headers = {"x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/"}
    err = keyed().map_error(429, body, headers)
    assert (err.provider, err.error_type, err.retryable) == ("bedrock", "ThrottlingException", True)


def test_json_schema_structured_output_is_anthropics_output_config() -> None:
    from pydantic import BaseModel

    from chatplex.chat.structured import output_schema

    class Sum(BaseModel):
        total: int

    settings = keyed().structured_output_settings(output_schema(Sum), Sum, "json_schema", None)
    fmt = settings["output_config"]["format"]
    assert fmt["type"] == "json_schema" and fmt["schema"]["properties"] == {
        "total": {"title": "Total", "type": "integer"}
    }
    # No JSON mode on Anthropic: with a schema, json_mode binds the same format...
    as_json_mode = keyed().structured_output_settings(output_schema(Sum), Sum, "json_mode", None)
    assert as_json_mode == settings
    # ...without one it is refused, naming what works.
    with pytest.raises(ValueError, match="no JSON mode"):
        keyed().structured_output_settings(None, None, "json_mode", None)
    with pytest.raises(ValueError, match="function_calling"):
        keyed().structured_output_settings(output_schema(Sum), Sum, "xml", None)
    with pytest.raises(ValueError, match="strict"):
        keyed().structured_output_settings(output_schema(Sum), Sum, "json_schema", True)


def test_a_prompt_familys_call_is_read_as_that_family() -> None:
    from chatplex.providers.bedrock.eventstream import EventStreamDecoder
    from chatplex.providers.bedrock.invoke_prompt_stream import PromptStreamDecoder
    from chatplex.providers.bedrock.invoke_prompt_stream import PromptStreamParser

    llama = "us.meta.llama3-1-70b-instruct-v1:0"
    view, request = call(keyed(), [HumanMessage("Hi")], stream=True, model=llama, max_tokens=8)
    assert request.url.endswith(
        "/model/us.meta.llama3-1-70b-instruct-v1%3A0/invoke-with-response-stream"
    )
    assert request.json == {
        "prompt": "<|begin_of_text|>\n<|start_header_id|>user<|end_header_id|>Hi<|eot_id|>\n"
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
        "max_gen_len": 8,
    }
    assert view.stream_framing is PromptStreamDecoder
    assert isinstance(view.stream_parser({}), PromptStreamParser)
    reply = view.parse_response(b'{"generation": "Hey", "stop_reason": "stop"}', {})
    assert reply.text == "Hey" and reply.response_metadata["model_name"] == llama
    # The same view for a call to a Claude model reads Anthropic's stream again.
    view.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=True)
    assert view.stream_framing is EventStreamDecoder
    assert not isinstance(view.stream_parser({}), PromptStreamParser)


def test_a_nova_model_on_invoke_model_is_refused() -> None:
    with pytest.raises(NotImplementedError, match="'amazon.nova'"):
        call(keyed(), [HumanMessage("Hi")], model="amazon.nova-lite-v1:0")


def test_an_anthropic_reply_s_text_is_cut_at_the_stop_words() -> None:
    """langchain-aws cuts every InvokeModel reply's text at the first stop word, an
    Anthropic model's too (a server that ignored them: the mock's); as text, not a
    regular expression. A call without stop words keeps the text whole."""
    reply = anthropic_message(
        "one. two END three",
        model="claude",
        usage={"input_tokens": 3, "output_tokens": 5},
        stop_sequence=None,
    )
    raw = json.dumps(reply).encode()
    view, _ = call(keyed(), [HumanMessage("Hi")], stop=("END", "."))
    assert view.parse_response(raw, {}).text == "one"
    view, _ = call(keyed(), [HumanMessage("Hi")])
    assert view.parse_response(raw, {}).text == "one. two END three"


@pytest.mark.parametrize("stream", [False, True])
def test_a_calls_cache_control_marks_the_last_block_as_langchain_aws(stream: bool) -> None:
    """What BedrockPromptCachingMiddleware passes (`cache_control=`) goes on the last
    turn's last block, not as a top-level field of the body."""
    cache = {"type": "ephemeral", "ttl": "5m"}
    messages = [SystemMessage("Be brief."), HumanMessage("Hi")]
    _, request = call(keyed(), messages, stream=stream, extra_body={"cache_control": cache})
    assert request.json["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Hi", "cache_control": cache}]}
    ]
    assert "cache_control" not in request.json


@pytest.mark.parametrize(
    ("choice", "sent"),
    [("auto", "auto"), ("none", "none"), ("any", "any"), ("required", "any")],
)
def test_a_choice_beside_a_bound_empty_tool_list_goes_as_langchain_aws_sends_it(
    choice: str, sent: str
) -> None:
    # ChatBedrock's bind_tools([], tool_choice=...) sends the choice beside `tools: []`
    # (its 'none' and 'required' as tools of those names, which the API refuses: the
    # side matrix's kept row); chatplex sends Anthropic's own choice types.
    assert BedrockInvokeAdapter.keeps_choice_without_tools
    _, request = call(keyed(), [HumanMessage("Hi")], tool_choice=choice, tool_list_bound=True)
    assert request.json["tools"] == [] and request.json["tool_choice"] == {"type": sent}


def test_the_invokemodel_adapter_takes_its_base_adapter_settings_too() -> None:
    """Its constructor hands `**settings` on to Converse's: `init_chat_model` gives it
    the region and keys by the base adapter's names."""
    from chatplex.adapters import adapter_class
    from chatplex.adapters import adapter_parameters

    names = adapter_parameters(adapter_class("bedrock"))
    assert names[0] == "region_name"
    assert set(adapter_parameters(adapter_class("bedrock_converse"))) <= set(names)


def test_a_streams_stop_goes_under_the_key_a_script_mapped() -> None:
    """`stream_stop_keys` (the entries a script's stop key map changes): a stream's stop
    sequences under the key given, among the model's kwargs (Titan's in its
    `textGenerationConfig`), none sent for "", refused before sending for a family the
    map dropped; an invoke, or a family not named, keeps its own key."""
    adapter = keyed()
    adapter.stream_stop_keys = {"anthropic": "stop", "amazon": "stop_sequences", "mistral": ""}
    hi = [HumanMessage("Hi")]
    _, request = call(adapter, hi, stream=True, stop=("END",))
    assert request.json["stop"] == ["END"] and "stop_sequences" not in request.json
    _, request = call(adapter, hi, stop=("END",))
    assert request.json["stop_sequences"] == ["END"] and "stop" not in request.json
    titan = "amazon.titan-text-express-v1"
    _, request = call(adapter, hi, stream=True, stop=("END",), model=titan)
    assert request.json["textGenerationConfig"] == {"stop_sequences": ["END"]}
    mistral = "mistral.mistral-large-2402-v1:0"
    _, request = call(adapter, hi, stream=True, stop=("END",), model=mistral)
    assert "stop" not in request.json and "stop_sequences" not in request.json
    deepseek = "us.deepseek.r1-v1:0"
    _, request = call(adapter, hi, stream=True, stop=("END",), model=deepseek)
    assert request.json["stop"] == ["END"]
    adapter.stream_stop_keys = {"anthropic": None}
    with pytest.raises(ValueError, match="Stop sequence key name for anthropic is not supported"):
        call(adapter, hi, stream=True, stop=("END",))
    _, request = call(adapter, hi, stream=True)  # (no stop sequences: nothing refused)
    assert "stop_sequences" not in request.json


@pytest.mark.parametrize(
    ("system", "sent"),
    [
        (None, "Tools."),
        ("Be brief.", "Tools.\nBe brief."),
        (
            [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
            [
                {"type": "text", "text": "Tools."},
                {"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}},
            ],
        ),
    ],
)
def test_the_system_prompt_with_tools_goes_before_an_anthropic_system_prompt(
    system: object, sent: object
) -> None:
    adapter = keyed()
    adapter.system_prompt_with_tools = "Tools."
    given = [SystemMessage(system)] if system is not None else []  # type: ignore[arg-type]
    for stream in (False, True):
        _, request = call(adapter, [*given, HumanMessage("Hi")], stream=stream)
        assert request.json["system"] == sent
    llama = "us.meta.llama3-1-70b-instruct-v1:0"  # (a prompt family's body has no system)
    _, request = call(adapter, [*given, HumanMessage("Hi")], model=llama)
    assert "system" not in request.json and "Tools." not in request.json["prompt"]
