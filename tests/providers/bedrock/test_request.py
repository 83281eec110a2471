"""Converse request bodies: system, turns, tool use and results, server-side tool use
sent back (against a recorded next turn), images, inference and
tool config, extra fields (camelCase and LangChain's snake_case), what is refused
before any request; and every body accepted by botocore's validation of the
bedrock-runtime service model's Converse input."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from chatplex.adapters.base import CallSettings
from chatplex.adapters.base import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock.reasoning_effort import EffortRule
from chatplex.providers.bedrock.request import converse_body
from chatplex.providers.bedrock.request import converse_model
from chatplex.providers.bedrock.request import wire_messages
from chatplex.providers.bedrock.request import without_null_branches
from chatplex.providers.bedrock.response import parse_reply
from tests.adapters._corpus import Case
from tests.adapters._corpus import load_cases

botocore_session = pytest.importorskip("botocore.session")
from botocore.validate import validate_parameters  # noqa: E402

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def botocore_accepts(body: dict[str, Any], operation: str = "Converse") -> None:
    """botocore's own validation of the body as `converse(**params)` would take it: the
    wire's base64 image bytes become the bytes the SDK takes."""
    params = copy.deepcopy(body)
    params["modelId"] = "anthropic.claude-3-5-haiku-20241022-v1:0"
    for turn in params["messages"]:
        for block in turn["content"]:
            image = block.get("image")
            if image:
                image["source"]["bytes"] = base64.b64decode(image["source"]["bytes"])
    model = botocore_session.get_session().get_service_model("bedrock-runtime")
    validate_parameters(params, model.operation_model(operation).input_shape)


def test_a_conversation_with_tools_images_and_results() -> None:
    messages = [
        SystemMessage("Be brief."),
        SystemMessage([{"type": "text", "text": "Use tools."}]),
        HumanMessage(
            [
                {"type": "text", "text": "Weather here?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/jpeg", "data": PNG},
                },
                {"type": "image", "base64": PNG, "mime_type": "image/webp"},
            ]
        ),
        AIMessage(
            [
                {"type": "reasoning", "reasoning": "need tool", "signature": "sig"},
                {"type": "reasoning", "reasoning": "unsigned: not sent"},
                {"type": "text", "text": "Checking."},
            ],
            tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "tu-1"}],
        ),
        ToolMessage("18C", tool_call_id="tu-1"),
        ToolMessage("failed", tool_call_id="tu-2", status="error"),
        HumanMessage("Thanks"),
    ]
    settings = CallSettings(
        model="m",
        temperature=0.2,
        max_tokens=100,
        top_p=0.9,
        stop=("END",),
        tools=(WEATHER,),
        tool_choice="auto",
    )
    body = converse_body(messages, settings)
    assert body["system"] == [{"text": "Be brief."}, {"text": "Use tools."}]
    user, assistant, results = body["messages"]
    assert [b.get("text") for b in user["content"]] == ["Weather here?", None, None, None]
    assert [b["image"]["format"] for b in user["content"][1:]] == ["png", "jpeg", "webp"]
    assert user["content"][1]["image"]["source"] == {"bytes": PNG}
    assert assistant == {
        "role": "assistant",
        "content": [
            {"reasoningContent": {"reasoningText": {"text": "need tool", "signature": "sig"}}},
            {"text": "Checking."},
            {"toolUse": {"toolUseId": "tu-1", "name": "get_weather", "input": {"city": "Paris"}}},
        ],
    }
    # Tool results and the next user turn merge into one user turn (alternating roles).
    assert results["role"] == "user"
    assert results["content"] == [
        {"toolResult": {"toolUseId": "tu-1", "content": [{"text": "18C"}], "status": "success"}},
        {"toolResult": {"toolUseId": "tu-2", "content": [{"text": "failed"}], "status": "error"}},
        {"text": "Thanks"},
    ]
    assert body["inferenceConfig"] == {
        "maxTokens": 100,
        "temperature": 0.2,
        "topP": 0.9,
        "stopSequences": ["END"],
    }
    assert body["toolConfig"] == {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "description": "Weather of a city",
                    "inputSchema": {"json": WEATHER.parameters},
                }
            }
        ],
        "toolChoice": {"auto": {}},
    }
    botocore_accepts(body)
    botocore_accepts(body, "ConverseStream")


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("required", {"any": {}}),
        ("any", {"any": {}}),
        ("get_weather", {"tool": {"name": "get_weather"}}),
    ],
)
def test_tool_choices(choice: str, wire: dict[str, Any]) -> None:
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", tools=(WEATHER,), tool_choice=choice)
    )
    assert body["toolConfig"]["toolChoice"] == wire
    botocore_accepts(body)


def test_a_tool_goes_with_its_strict_flag_and_its_nullable_fields_as_their_type() -> None:
    nullable = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    parameters = {
        "type": "object",
        "properties": {"note": nullable, "tags": {"type": ["array", "null"], "items": {}}},
    }
    strict = ToolSpec("note", "Take a note", parameters, strict=True)
    body = converse_body([HumanMessage("hi")], CallSettings(model="m", tools=(strict, WEATHER)))
    noted, weather = (t["toolSpec"] for t in body["toolConfig"]["tools"])
    assert list(noted) == ["name", "description", "strict", "inputSchema"]
    assert noted["strict"] is True and "strict" not in weather
    assert noted["inputSchema"]["json"]["properties"] == {
        "note": {"type": "string", "default": None},
        "tags": {"type": "array", "items": {}},
    }
    botocore_accepts(body)


def test_a_system_prompt_alone_goes_with_a_placeholder_user_turn() -> None:
    """As langchain-aws sends it (`_messages_to_bedrock`): a call, and the token count
    trim_messages(token_counter=model) asks of the system message by itself."""
    system, turns = wire_messages([SystemMessage("Be brief.")])
    assert system == [{"text": "Be brief."}]
    assert turns == [{"role": "user", "content": [{"text": "."}]}]
    botocore_accepts(converse_body([SystemMessage("Be brief.")], CallSettings(model="m")))


def test_a_tool_without_a_description_goes_described_by_its_name() -> None:
    bare = ToolSpec("Classification", "", {"type": "object", "properties": {}})
    body = converse_body([HumanMessage("hi")], CallSettings(model="m", tools=(bare,)))
    sent = body["toolConfig"]["tools"][0]["toolSpec"]
    assert (sent["name"], sent["description"]) == ("Classification", "Classification")
    botocore_accepts(body)


def test_only_the_null_branch_of_a_union_goes() -> None:
    union = {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
    assert without_null_branches(union) == {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert without_null_branches({"anyOf": [{"type": "null"}]}) == {"anyOf": [{"type": "null"}]}
    assert without_null_branches({"type": ["string", "integer"]}) == {"type": ["string", "integer"]}


def test_tool_choices_converse_cannot_say_are_refused() -> None:
    with pytest.raises(ValueError, match="no tool_choice 'none'"):
        converse_body(
            [HumanMessage("hi")], CallSettings(model="m", tools=(WEATHER,), tool_choice="none")
        )
    with pytest.raises(ValueError, match="not among the bound tools"):
        converse_body(
            [HumanMessage("hi")], CallSettings(model="m", tools=(WEATHER,), tool_choice="other")
        )
    with pytest.raises(ValueError, match="needs tools"):
        converse_body([HumanMessage("hi")], CallSettings(model="m", tool_choice="required"))


def test_extra_fields_in_either_spelling() -> None:
    extras = {
        "additional_model_request_fields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
        "top_k": 5,  # a model field: into additionalModelRequestFields, as langchain-aws does
        "guardrail_config": {
            "guardrailIdentifier": "g-1",
            "guardrailVersion": "1",
            "trace": "enabled",
        },
        "performanceConfig": {"latency": "optimized"},
        "request_metadata": {"team": "a"},
        "service_tier": "flex",
        "additional_model_response_field_paths": ["/stop_sequence"],
        "inferenceConfig": {"maxTokens": 7},
        "system": ["Extra system prompt"],
    }
    body = converse_body(
        [SystemMessage("Own prompt"), HumanMessage("hi")],
        CallSettings(model="m", temperature=0.5, extra_body=extras),
    )
    assert body["additionalModelRequestFields"] == {
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "top_k": 5,
    }
    assert body["guardrailConfig"]["guardrailIdentifier"] == "g-1"
    assert body["performanceConfig"] == {"latency": "optimized"}
    assert body["requestMetadata"] == {"team": "a"}
    assert body["serviceTier"] == {"type": "flex"}
    assert body["additionalModelResponseFieldPaths"] == ["/stop_sequence"]
    assert body["inferenceConfig"] == {"temperature": 0.5, "maxTokens": 7}
    assert body["system"] == [{"text": "Extra system prompt"}, {"text": "Own prompt"}]
    botocore_accepts(body)


def test_response_format_json_schema_is_native_structured_output() -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "at": {"$ref": "#/$defs/When"}},
        "$defs": {"When": {"type": "object", "properties": {"day": {"type": "string"}}}},
    }
    fmt = {"type": "json_schema", "json_schema": {"name": "Weather", "schema": schema}}
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"response_format": fmt})
    )
    text_format = body["outputConfig"]["textFormat"]
    assert text_format["type"] == "json_schema"
    sent = text_format["structure"]["jsonSchema"]
    assert (sent["name"], sent["description"]) == ("Weather", "Weather")
    closed = json.loads(sent["schema"])
    assert closed["additionalProperties"] is False
    assert closed["$defs"]["When"]["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the caller's schema is not changed
    botocore_accepts(body)
    own = {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{}"}}}}
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"output_config": own})
    )
    assert body["outputConfig"] == own


def test_system_messages_go_to_system_wherever_they_stand_runs_merged_as_langchain() -> None:
    # langchain-aws merges runs (LangChain's merge_message_runs: texts joined by a
    # newline) and moves every system message into `system`, a later one included.
    messages = [
        SystemMessage("You are a bot."),
        SystemMessage("Be brief."),
        HumanMessage("Say hello"),
        AIMessage("Hello"),
        SystemMessage([{"type": "text", "text": "In French."}]),
        SystemMessage("Short."),
        HumanMessage("Again"),
    ]
    system, turns = wire_messages(messages)
    assert system == [
        {"text": "You are a bot.\nBe brief."},
        {"text": "In French."},
        {"text": "Short."},
    ]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert turns[2]["content"] == [{"text": "Again"}]


def test_a_run_of_user_messages_is_one_as_langchain_aws_merges_it() -> None:
    said = [HumanMessage("Say hello"), HumanMessage("to my friend")]
    assert wire_messages(said)[1] == [
        {"role": "user", "content": [{"text": "Say hello\nto my friend"}]}
    ]
    blocks = [HumanMessage("Say hello"), HumanMessage([{"type": "text", "text": "to all"}])]
    assert wire_messages(blocks)[1] == [
        {"role": "user", "content": [{"text": "Say hello"}, {"text": "to all"}]}
    ]
    # A tool result between two user messages keeps them apart (as LangChain's runs do),
    # the turns still merged into one user turn.
    called = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "t1"}])
    apart = [HumanMessage("a"), called, ToolMessage("r", tool_call_id="t1"), HumanMessage("b")]
    assert wire_messages(apart)[1][2]["content"] == [
        {"toolResult": {"toolUseId": "t1", "content": [{"text": "r"}], "status": "success"}},
        {"text": "b"},
    ]


def test_json_mode_has_no_converse_form() -> None:
    with pytest.raises(ValueError, match="no Bedrock Converse form"):
        converse_body(
            [HumanMessage("hi")],
            CallSettings(model="m", extra_body={"response_format": {"type": "json_object"}}),
        )


@pytest.mark.parametrize(
    ("messages", "match"),
    [
        ([AIMessage("first")], "start with a user message"),
        (
            [HumanMessage([{"type": "image_url", "image_url": {"url": "https://x/cat.png"}}])],
            "does not fetch image URLs",
        ),
        (
            [HumanMessage([{"type": "image", "base64": PNG, "mime_type": "image/tiff"}])],
            "image/tiff",
        ),
        (
            [HumanMessage([{"type": "image", "base64": "not base64!", "mime_type": "image/png"}])],
            "not base64",
        ),
        ([HumanMessage([{"type": "image", "mime_type": "image/png"}])], "no base64 data"),
        ([HumanMessage([{"type": "audio", "data": "x"}])], "'audio' is not sent"),
    ],
)
def test_bad_input_is_refused_naming_the_message(messages: list[Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        wire_messages(messages)


def test_an_empty_assistant_turn_goes_as_a_dot() -> None:
    # As langchain-aws: Bedrock rejects an empty turn; left out, the user turns would merge.
    _, turns = wire_messages([HumanMessage("a"), AIMessage(" "), HumanMessage("b")])
    assert turns == [
        {"role": "user", "content": [{"text": "a"}]},
        {"role": "assistant", "content": [{"text": "."}]},
        {"role": "user", "content": [{"text": "b"}]},
    ]


def test_a_redacted_reasoning_block_is_sent_back() -> None:
    ai = AIMessage([{"type": "reasoning", "reasoning": "", "redacted_content": "b64"}, "ok"])
    _, turns = wire_messages([HumanMessage("a"), ai])
    assert turns[1]["content"] == [{"reasoningContent": {"redactedContent": "b64"}}, {"text": "ok"}]


@pytest.mark.parametrize(
    ("provider", "kept"), [(None, True), ("bedrock_converse", True), ("anthropic", False)]
)
def test_a_thinking_block_goes_back_signed_unless_another_providers(
    provider: str | None, kept: bool
) -> None:
    """Anthropic's `thinking` block (its text and signature) goes back as Converse's
    signed `reasoningContent`; in another provider's reply (a ChatAnthropic one, named
    by its `model_provider`) it is left out: as langchain-aws does both."""
    thought = {"type": "thinking", "thinking": "hm", "signature": "c2ln"}
    metadata = {} if provider is None else {"model_provider": provider}
    ai = AIMessage([thought, {"type": "text", "text": "ok"}], response_metadata=metadata)
    _, turns = wire_messages([HumanMessage("a"), ai, HumanMessage("b")])
    signed = {"reasoningContent": {"reasoningText": {"text": "hm", "signature": "c2ln"}}}
    assert turns[1]["content"] == [*([signed] if kept else []), {"text": "ok"}]
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import AIMessage as LCAI
    from langchain_core.messages import HumanMessage as LCHuman

    theirs, _ = partner._messages_to_bedrock(
        [LCHuman("a"), LCAI(ai.content, response_metadata=metadata), LCHuman("b")],
        model_id="us.anthropic.claude-3-5-haiku-20241022-v1:0",
    )
    assert theirs[1]["content"] == turns[1]["content"]


def test_history_as_langchain_aws_sends_it() -> None:
    """System messages go to `system` wherever they are; runs of one type merge (two
    user texts in a row as one, joined by a newline; system messages alike); blank
    user and tool-result text goes as "." (Converse refuses blanks): as langchain-aws
    does, compared with its own conversion of the same history."""
    call = {"name": "f", "args": {}, "id": "t1"}
    history: list[Any] = [
        SystemMessage("Be terse."),
        SystemMessage("Be kind."),
        HumanMessage("Hello"),
        HumanMessage("And again"),
        AIMessage("Hi", tool_calls=[call]),
        ToolMessage("", tool_call_id="t1"),
        AIMessage("Done"),
        SystemMessage("Now in French."),
        HumanMessage([{"type": "text", "text": "  "}]),
        AIMessage("Oui"),
        HumanMessage(""),
    ]
    system, turns = wire_messages(history)
    assert system == [{"text": "Be terse.\nBe kind."}, {"text": "Now in French."}]
    assert turns == [
        {"role": "user", "content": [{"text": "Hello\nAnd again"}]},
        {
            "role": "assistant",
            "content": [{"text": "Hi"}, {"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "t1", "content": [{"text": "."}], "status": "success"}}
            ],
        },
        {"role": "assistant", "content": [{"text": "Done"}]},
        {"role": "user", "content": [{"text": "."}]},
        {"role": "assistant", "content": [{"text": "Oui"}]},
        {"role": "user", "content": [{"text": "."}]},
    ]
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import convert_to_messages

    theirs, their_system = partner._messages_to_bedrock(
        convert_to_messages([m.model_dump() | {"type": m.type} for m in history])
    )
    assert their_system == system
    assert theirs == turns


def test_converses_own_blocks_pass_as_they_are() -> None:
    cache = {"cachePoint": {"type": "default"}}
    document = {"document": {"format": "txt", "name": "notes", "source": {"bytes": PNG}}}
    messages = [
        SystemMessage(["Long system prompt", cache]),
        HumanMessage(
            [
                {"type": "text", "text": "Read this"},
                document,
                cache,
                {"type": "guard_content", "text": "guard me"},
            ]
        ),
        AIMessage(["Done.", cache]),
        HumanMessage("Thanks"),
    ]
    body = converse_body(messages, CallSettings(model="m"))
    assert body["system"] == [{"text": "Long system prompt"}, cache]
    assert body["messages"][0]["content"] == [
        {"text": "Read this"},
        document,
        cache,
        {"guardContent": {"text": {"text": "guard me"}}},
    ]
    assert body["messages"][1]["content"] == [{"text": "Done."}, cache]
    params = copy.deepcopy(body)
    params["messages"][0]["content"][1]["document"]["source"]["bytes"] = b"notes"
    model = botocore_session.get_session().get_service_model("bedrock-runtime")
    params["modelId"] = "m"
    validate_parameters(params, model.operation_model("Converse").input_shape)


def recorded(name: str) -> Case:
    found = {c.name: c for c in load_cases({"bedrock_converse"})}
    if name not in found:
        pytest.skip(f"wire corpus case {name} not present")
    return found[name]


def test_a_server_tool_turn_goes_back_as_bedrock_took_it_in_the_recorded_next_turn() -> None:
    """pydantic-ai's recording: the reply with Nova's code interpreter, then the next
    request replaying that turn, which Bedrock answered 200. chatplex's reading of the
    reply, replayed, must give that request's messages."""
    reply = parse_reply(recorded("bedrock_converse_code_interpreter").body, {}, None)
    sent = recorded("bedrock_converse_code_interpreter_replayed").meta["request"]["body"]
    messages = [
        HumanMessage("What is 1234 * 5678?"),
        reply,
        ToolMessage("Final result processed.", tool_call_id=str(reply.tool_calls[0]["id"])),
        HumanMessage("Now multiply that by 2"),
    ]
    # The recorded tools: a client toolSpec and the `systemTool` nova_code_interpreter.
    settings = CallSettings(model="m", extra_body={"toolConfig": sent["toolConfig"]})
    body = converse_body(messages, settings)
    assert body["messages"] == sent["messages"]
    assert "additionalModelRequestFields" not in body
    assert body["messages"][1]["content"][0]["toolUse"]["type"] == "server_tool_use"
    botocore_accepts(body)
    botocore_accepts(body, "ConverseStream")


def server_call(**changes: Any) -> dict[str, Any]:
    block = {"type": "server_tool_call", "id": "tu-s", "name": "nova_code_interpreter"}
    return {**block, "args": {"snippet": "1+1"}, **changes}


def server_result(**changes: Any) -> dict[str, Any]:
    block = {"type": "server_tool_result", "tool_call_id": "tu-s", "status": "error"}
    return {**block, "output": [{"text": "boom"}], **changes}


def test_server_tool_blocks_are_sent_in_place_with_their_types() -> None:
    ai = AIMessage(
        [
            "Computing.",
            server_call(),
            server_result(extras={"block_type": "nova_code_interpreter_result"}),
            {"type": "text", "text": "Failed."},
        ]
    )
    _, turns = wire_messages([HumanMessage("a"), ai])
    assert turns[1]["content"] == [
        {"text": "Computing."},
        {
            "toolUse": {
                "toolUseId": "tu-s",
                "name": "nova_code_interpreter",
                "input": {"snippet": "1+1"},
                "type": "server_tool_use",
            }
        },
        {
            "toolResult": {
                "toolUseId": "tu-s",
                "content": [{"text": "boom"}],
                "type": "nova_code_interpreter_result",
                "status": "error",
            }
        },
        {"text": "Failed."},
    ]
    _, turns = wire_messages([HumanMessage("a"), AIMessage([server_result(status="success")])])
    assert turns[1]["content"][0]["toolResult"] == {
        "toolUseId": "tu-s",
        "content": [{"text": "boom"}],
        "status": "success",
    }


@pytest.mark.parametrize(
    ("block", "match"),
    [
        (server_call(args={}, id=""), "needs its 'id' and 'name'"),
        (server_call(args={}, extras={"unparsed_args": "{bad"}), "not a JSON object"),
        (server_result(tool_call_id=None), "needs its 'tool_call_id'"),
        # Anthropic's web-search results, as chatplex's standard view gives them.
        (
            server_result(output=[{"type": "web_search_result", "url": "https://x"}]),
            "another provider cannot be sent to Bedrock",
        ),
        (server_result(output={"stdout": "2"}), "is not Converse tool-result content"),
    ],
)
def test_server_tool_blocks_bedrock_cannot_take_are_refused(
    block: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=rf"message 1: content block 0 .*{match}"):
        wire_messages([HumanMessage("a"), AIMessage([block])])


def test_server_tool_blocks_are_not_user_content() -> None:
    with pytest.raises(ValueError, match="'server_tool_call' is not sent"):
        wire_messages([HumanMessage([server_call()])])


def test_a_calls_model_id_is_the_urls_model_not_a_body_field() -> None:
    # langchain-aws sends `model_id=` per call as Converse's `modelId` (None: its own).
    for name in ("model_id", "modelId"):
        settings = CallSettings(model="m", extra_body={name: "other"})
        assert converse_model(settings) == "other"
        assert "additionalModelRequestFields" not in converse_body([HumanMessage("hi")], settings)
    assert converse_model(CallSettings(model="m", extra_body={"model_id": None})) == "m"
    assert converse_model(CallSettings(model="m")) == "m"


def test_camel_case_inference_keywords_go_in_inference_config() -> None:
    # As langchain-aws's _converse_params takes them, in its order; None keeps the own.
    settings = CallSettings(model="m", max_tokens=50, extra_body={"topP": 0.5, "maxTokens": 7})
    body = converse_body([HumanMessage("hi")], settings)
    assert list(body["inferenceConfig"].items()) == [("maxTokens", 7), ("topP", 0.5)]
    assert "additionalModelRequestFields" not in body
    kept = CallSettings(model="m", max_tokens=50, extra_body={"maxTokens": None})
    assert converse_body([HumanMessage("hi")], kept)["inferenceConfig"] == {"maxTokens": 50}


def test_a_none_reasoning_effort_is_not_sent() -> None:
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"reasoning_effort": None})
    )
    assert "additionalModelRequestFields" not in body


def test_a_calls_reasoning_effort_goes_by_the_models_rule() -> None:
    """With a ChatBedrockConverse's rule, a call's effort becomes its fields: over the
    model's request fields (camelCase), under the call's own (snake_case), as
    langchain-aws merges them; without one (chatplex's own models) it goes as it is."""
    rule = EffortRule(("low", "high"), "anthropic.claude-opus-4-7")
    model_fields = {"thinking": {"type": "enabled"}, "top_k": 5}
    extras = {"additionalModelRequestFields": model_fields, "reasoning_effort": "high"}

    def sent(extra: dict[str, Any], effort_rule: EffortRule | None = rule) -> Any:
        settings = CallSettings(model="m", extra_body=extra)
        body = converse_body([HumanMessage("hi")], settings, None, effort_rule)
        return body.get("additionalModelRequestFields")

    assert sent(extras) == {
        "thinking": {"type": "adaptive"},
        "top_k": 5,
        "output_config": {"effort": "high"},
    }
    call_fields = {"output_config": {"effort": "low"}, "top_k": 1}
    assert sent({**extras, "additional_model_request_fields": call_fields}) == {
        "thinking": {"type": "adaptive"},
        "top_k": 1,
        "output_config": {"effort": "low"},
    }
    assert sent(extras, None) == {**model_fields, "reasoning_effort": "high"}
    with pytest.raises(ValueError, match="Valid values: \\['low', 'high'\\]"):
        sent({"reasoning_effort": "max"})
    with pytest.warns(UserWarning, match="not supported for model m; ignoring"):
        assert sent({"reasoning_effort": "low"}, EffortRule((), "m")) is None


def test_high_reasoning_sends_no_max_tokens_as_langchain_aws() -> None:
    """Nova 2's reasoning enabled at "high" in the call's request fields (its effort's
    too), else in the model's: no `maxTokens`, as langchain-aws sends it; a call's own
    `inferenceConfig`, or fields of the call without it, keep it."""
    high = {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}}
    rule = EffortRule(("low", "high"), "amazon.nova-2-lite-v1:0")

    def inference(extra: dict[str, Any]) -> Any:
        settings = CallSettings(model="m", max_tokens=100, temperature=0.5, extra_body=extra)
        return converse_body([HumanMessage("hi")], settings, None, rule)["inferenceConfig"]

    assert inference({"additionalModelRequestFields": high}) == {"temperature": 0.5}
    assert inference({"reasoning_effort": "high", "maxTokens": 9}) == {"temperature": 0.5}
    kept = {"maxTokens": 100, "temperature": 0.5}
    assert inference({"reasoning_effort": "low"}) == kept
    call = {"additionalModelRequestFields": high, "additional_model_request_fields": {"k": 1}}
    assert inference(call) == kept
    given = {"reasoning_effort": "high", "inferenceConfig": {"maxTokens": 7}}
    assert inference(given)["maxTokens"] == 7


def test_cache_control_places_cache_points_by_the_models_own_base_model() -> None:
    """A call's `cache_control` is no body field: its cache points follow the base model
    (an inference profile's `base_model_id`), Nova's without a ttl or a tools point."""
    settings = CallSettings(
        model="arn:aws:bedrock:us-east-1:1:application-inference-profile/p",
        tools=(WEATHER,),
        extra_body={"cache_control": {"type": "ephemeral", "ttl": "1h"}},
    )
    messages = [SystemMessage("Be brief."), HumanMessage("Hi")]
    nova = converse_body(messages, settings, "amazon.nova-pro-v1:0")
    claude = converse_body(messages, settings, "anthropic.claude-sonnet-4-v1:0")
    assert nova["system"][-1] == {"cachePoint": {"type": "default"}}
    assert nova["toolConfig"]["tools"][-1] != {"cachePoint": {"type": "default"}}
    assert claude["toolConfig"]["tools"][-1] == {"cachePoint": {"type": "default", "ttl": "1h"}}
    assert "additionalModelRequestFields" not in nova and "cache_control" not in claude
