"""The Gemini request body: tools, tool choice and generation settings (the conversation:
`test_contents.py`)."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import HumanMessage
from chatplex.providers.google.openapi_schema import openapi_parameters
from chatplex.providers.google.request import build_body
from chatplex.providers.google.request import camel
from chatplex.providers.google.request import safety_settings
from chatplex.providers.google.request import wire_tool_config
from chatplex.providers.google.request import wire_tools

WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def test_tools_are_function_declarations_with_their_json_schema() -> None:
    bare = ToolSpec("now", "The time.", {"type": "object", "properties": {}})
    assert wire_tools([WEATHER, bare]) == [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Weather of a city.",
                    "parametersJsonSchema": WEATHER.parameters,
                },
                {"name": "now", "description": "The time."},
            ]
        }
    ]


def test_vertex_declares_in_the_openapi_subset_what_it_holds_whole() -> None:
    # langchain-google-vertexai's `parameters`; a nullable field's schema goes whole.
    nullable = ToolSpec(
        "note",
        "Take a note.",
        {
            "type": "object",
            "properties": {"text": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
        },
    )
    [tool] = wire_tools([WEATHER, nullable], one_tool=True, subset=openapi_parameters)
    weather, note = tool["functionDeclarations"]
    assert weather["parameters"] == {
        "type": "OBJECT",
        "properties": {"city": {"type": "STRING"}},
        "required": ["city"],
    }
    assert "parametersJsonSchema" not in weather and "parameters" not in note
    assert note["parametersJsonSchema"] == nullable.parameters
    settings = CallSettings(model="m", tools=(WEATHER,))
    body = build_body([HumanMessage("Hi")], settings, subset=openapi_parameters)
    assert body["tools"][0]["functionDeclarations"][0]["parameters"]["type"] == "OBJECT"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {"mode": "AUTO"}),
        ("none", {"mode": "NONE"}),
        # Every bound function named, as langchain-google-genai does.
        ("required", {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}),
        ("any", {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}),
        ("get_weather", {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}),
    ],
)
def test_tool_choice_is_the_function_calling_mode(choice: str, expected: dict) -> None:
    assert wire_tool_config(choice, [WEATHER]) == {"functionCallingConfig": expected}


def test_no_tool_choice_sends_no_tool_config() -> None:
    assert wire_tool_config(None, [WEATHER]) is None


def test_generation_settings_land_in_generation_config_and_the_rest_at_the_top() -> None:
    schema = {"type": "object", "properties": {"first_name": {"type": "string"}}}
    settings = CallSettings(
        model="m",
        temperature=0.2,
        top_p=0.9,
        max_tokens=64,
        stop=("END",),
        tools=(WEATHER,),
        tool_choice="auto",
        extra_body={
            "top_k": 5,
            "candidateCount": 2,
            "response_mime_type": "application/json",
            "response_json_schema": schema,
            "thinking_config": {"thinking_budget": 128, "include_thoughts": True},
            "safety_settings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
            ],
            "cached_content": "cachedContents/abc",
            "tools": [{"googleSearch": {}}],
        },
    )
    body = build_body([HumanMessage("Hi")], settings)
    assert body["generationConfig"] == {
        "temperature": 0.2,
        "topP": 0.9,
        "maxOutputTokens": 64,
        "stopSequences": ["END"],
        "topK": 5,
        "candidateCount": 2,
        "responseMimeType": "application/json",
        "responseJsonSchema": schema,  # property names are data: never re-cased
        "thinkingConfig": {"thinkingBudget": 128, "includeThoughts": True},
    }
    assert body["safetySettings"] == [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
    ]
    assert body["cachedContent"] == "cachedContents/abc"
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "AUTO"}}
    assert body["tools"][1] == {"googleSearch": {}}  # built-in tools after the functions


def test_a_generation_config_dict_merges_field_by_field() -> None:
    settings = CallSettings(
        model="m", temperature=1.0, extra_body={"generation_config": {"seed": 7, "top_k": 2}}
    )
    body = build_body([HumanMessage("Hi")], settings)
    assert body["generationConfig"] == {"temperature": 1.0, "seed": 7, "topK": 2}


def test_a_bool_in_an_int32_generation_field_goes_as_its_number() -> None:
    # A call's logprobs=True (LangChain's spelling): the API refuses `true` for an int32,
    # the google-genai SDK sends 1; a flag field keeps its bool.
    extra = {"logprobs": True, "response_logprobs": True, "generation_config": {"seed": False}}
    body = build_body([HumanMessage("Hi")], CallSettings(model="m", extra_body=extra))
    config = body["generationConfig"]
    assert [(k, type(v)) for k, v in config.items()] == [
        ("logprobs", int),
        ("responseLogprobs", bool),
        ("seed", int),
    ]
    assert config == {"logprobs": 1, "responseLogprobs": True, "seed": 0}


def test_a_field_given_as_none_is_not_sent_and_takes_the_settings_value_out() -> None:
    extra = {"top_k": None, "max_output_tokens": None, "seed": 3, "thinking_budget": None}
    settings = CallSettings(
        model="m",
        max_tokens=50,
        extra_body={**extra, "thinking_config": {"thinking_budget": 100}},
    )
    config = build_body([HumanMessage("Hi")], settings)["generationConfig"]
    # No null sent; the call's None over the model's limit and thinking budget: neither.
    assert config == {"seed": 3}


def test_camel() -> None:
    assert camel("max_output_tokens") == "maxOutputTokens"
    assert camel("maxOutputTokens") == "maxOutputTokens"


@pytest.mark.parametrize(
    "tool",
    [
        {"google_search": {}},
        {"code_execution": {}},
        {"url_context": {}},
        {"google_maps": {}},
        {"google_search_retrieval": {"dynamic_retrieval_config": {"dynamic_threshold": 0.5}}},
    ],
)
def test_a_builtin_tool_dict_is_sent_as_langchain_google_genai_sends_it(tool: dict) -> None:
    from langchain_google_genai._function_utils import convert_to_genai_function_declarations

    from chatplex.providers.google.request import builtin_tool

    (theirs,) = convert_to_genai_function_declarations([tool])
    assert builtin_tool(tool) == theirs.model_dump(mode="json", by_alias=True, exclude_none=True)


def test_a_function_dict_is_no_builtin_tool_and_two_in_one_dict_are_refused() -> None:
    from chatplex.providers.google.request import builtin_tool

    assert builtin_tool({"name": "get_weather", "parameters": {}}) is None
    assert builtin_tool({"google_search": None}) is None  # as langchain-google-genai reads it
    with pytest.raises(ValueError, match="multiple special tool types"):
        builtin_tool({"google_search": {}, "code_execution": {}})


def test_builtin_tools_go_first_each_a_tool_and_only_functions_are_forced() -> None:
    search = ToolSpec("google_search", "", {"type": "object"}, builtin={"googleSearch": {}})
    assert wire_tools([search, WEATHER]) == [
        {"googleSearch": {}},
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Weather of a city.",
                    "parametersJsonSchema": WEATHER.parameters,
                }
            ]
        },
    ]
    assert wire_tools([search]) == [{"googleSearch": {}}]
    expected = {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}
    assert wire_tool_config("any", [search, WEATHER]) == {"functionCallingConfig": expected}


@pytest.mark.parametrize(
    "tools",
    [
        [{"google_search": {}}],
        [{"google_search": {}, "code_execution": {}}],
        [{"code_execution": {}}, {"retrieval": {"vertex_ai_search": {"datastore": "d"}}}],
        [{"google_search_retrieval": {"dynamic_retrieval_config": {"dynamic_threshold": 0.5}}}],
    ],
)
def test_vertex_builtin_tools_are_one_tool_as_langchain_google_vertexai_sends_them(
    tools: list[dict],
) -> None:
    from google.protobuf import json_format
    from langchain_google_vertexai.functions_utils import _format_to_gapic_tool

    from chatplex.providers.google.request import vertex_builtin_tool

    theirs = _format_to_gapic_tool(tools)
    specs = [
        ToolSpec(f"t{i}", "", {"type": "object"}, builtin=vertex_builtin_tool(tool))
        for i, tool in enumerate(tools)
    ]
    assert wire_tools(specs, one_tool=True) == [json_format.MessageToDict(type(theirs).pb(theirs))]


def test_vertex_builtin_tools_merge_with_the_functions_and_nothing_follows_retrieval() -> None:
    from chatplex.providers.google.request import vertex_builtin_tool

    assert vertex_builtin_tool({"url_context": {}}) is None  # a function to Vertex AI's partner
    assert vertex_builtin_tool({"name": "get_weather", "parameters": {}}) is None
    search = ToolSpec(
        "s", "", {"type": "object"}, builtin=vertex_builtin_tool({"google_search": None})
    )
    assert wire_tools([search, WEATHER], one_tool=True) == [
        {
            "googleSearch": {},
            "functionDeclarations": wire_tools([WEATHER])[0]["functionDeclarations"],
        }
    ]
    retrieval = ToolSpec("r", "", {"type": "object"}, builtin={"retrieval": {}})
    assert wire_tools([WEATHER, retrieval], one_tool=True) == [
        {"functionDeclarations": wire_tools([WEATHER])[0]["functionDeclarations"], "retrieval": {}}
    ]
    with pytest.raises(ValueError, match="Providing multiple retrieval"):
        wire_tools([retrieval, WEATHER], one_tool=True)
    body = build_body([HumanMessage("Hi")], CallSettings(model="m", tools=(search,)), one_tool=True)
    assert body["tools"] == [{"googleSearch": {}}]


def test_a_calls_thinking_keywords_merge_over_the_models_thinking_config() -> None:
    def thinking(**extra: object) -> object:
        settings = CallSettings(model="gemini-2.5-flash", extra_body=dict(extra))
        return build_body([HumanMessage("Hi")], settings)["generationConfig"]["thinkingConfig"]

    model = {"thinking_config": {"thinking_budget": 128, "include_thoughts": True}}
    assert thinking(**model, thinking_budget=0) == {"thinkingBudget": 0, "includeThoughts": True}
    assert thinking(include_thoughts=False) == {"includeThoughts": False}
    # thinking_level over reasoning_effort (its other name), as the enum's name.
    assert thinking(reasoning_effort="low", thinking_level="high") == {"thinkingLevel": "HIGH"}
    with pytest.warns(UserWarning, match="'thinking_level' takes precedence"):
        assert thinking(**model, reasoning_effort="low") == {
            "thinkingLevel": "LOW",
            "includeThoughts": True,
        }


def test_a_models_thinking_level_beside_its_budget_keeps_the_level() -> None:
    # ChatGoogleGenerativeAI(thinking_level="high", thinking_budget=128): the drop-in sent
    # both; langchain-google-genai merges them before each request and keeps the level.
    def thinking(config: dict[str, object]) -> object:
        settings = CallSettings(model="gemini-3-pro", extra_body={"thinking_config": config})
        return build_body([HumanMessage("Hi")], settings)["generationConfig"]["thinkingConfig"]

    with pytest.warns(UserWarning, match="'thinking_level' takes precedence"):
        both = thinking({"thinking_level": "high", "thinking_budget": 128})
    assert both == {"thinkingLevel": "HIGH"}
    assert thinking({"thinking_budget": 128}) == {"thinkingBudget": 128}


@pytest.mark.parametrize("wire", ["gemini", "vertex"])
def test_a_calls_thinking_budget_is_sent_as_the_partner_sends_it(wire: str) -> None:
    # `invoke(..., thinking_budget=0)`, as the partners take it: the drop-ins raised
    # (pydantic's ValidationError on Gemini's API, a TypeError on Vertex AI's).
    import warnings

    import chatplex.langchain
    from chatplex.testing import MockServer
    from tests.langchain.agents_matrix._kit import WIRES
    from tests.langchain.agents_matrix._kit import Run

    seen: list[object] = []
    with MockServer(fault_plan=lambda request: seen.append(request.json)) as server:
        for side in ("langchain", "chatplex"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = Run(WIRES[wire], side, server).make(include_thoughts=True)
                model.invoke("Hi", thinking_budget=0)
        chatplex.close()
    # google-genai writes its ThinkingConfig by field name, in its order; Vertex AI's
    # REST client in proto3 JSON's camelCase.
    theirs, ours = (b["generationConfig"]["thinkingConfig"] for b in seen)
    if wire == "gemini":
        assert list(theirs.items()) == [("include_thoughts", True), ("thinking_budget", 0)]
    else:
        assert theirs == {"thinkingBudget": 0, "includeThoughts": True}
    assert list(ours.items()) == list(theirs.items())


def test_reasoning_effort_is_langchain_google_genais_thinking_level() -> None:
    import chatplex.langchain

    model = chatplex.langchain.ChatGoogleGenerativeAI(
        model="gemini-3-pro-preview", api_key="k", reasoning_effort="low"
    )
    body = model.build_request("Hi").json
    assert body["generationConfig"]["thinkingConfig"] == {"thinking_level": "LOW"}


class Harm(enum.Enum):
    HARM_CATEGORY_HATE_SPEECH = 8


class Threshold(enum.Enum):
    BLOCK_NONE = 4


def test_safety_settings_as_a_dict_of_enums_become_the_request_list() -> None:
    assert safety_settings({Harm.HARM_CATEGORY_HATE_SPEECH: Threshold.BLOCK_NONE}) == [
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}
    ]
    given = [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "OFF"}]
    assert safety_settings(given) is given and safety_settings(None) is None


def test_a_calls_safety_settings_dict_is_sent_as_the_list() -> None:
    settings = CallSettings(
        model="gemini-2.5-flash",
        extra_body={"safety_settings": {"HARM_CATEGORY_HARASSMENT": "OFF"}},
    )
    body = build_body([HumanMessage("hi")], settings)
    assert body["safetySettings"] == [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "OFF"}]


def test_the_drop_in_spells_blobs_and_file_data_as_google_genai_writes_them() -> None:
    # langchain-google-genai's request (the SDK's Blob and FileData by field name, in its
    # order); chatplex's own family keeps proto3 JSON's camelCase (the API reads both).
    import chatplex
    import chatplex.langchain
    from chatplex.messages import HumanMessage as OwnHuman

    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
    file = {"type": "file", "file_id": "https://generativelanguage.googleapis.com/v1/f"}
    file["mime_type"] = "application/pdf"
    said = [{"type": "text", "text": "What?"}, image, file]
    dropin = chatplex.langchain.ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key="k")
    parts = dropin.build_request([OwnHuman(said)]).json["contents"][0]["parts"]
    assert [list(p.get("inlineData") or p.get("fileData") or {}) for p in parts[1:]] == [
        ["data", "mime_type"],
        ["file_uri", "mime_type"],
    ]
    own = chatplex.init_chat_model("google_genai:gemini-2.5-flash", api_key="k")
    parts = own.build_request([OwnHuman(said)]).json["contents"][0]["parts"]
    assert parts[1]["inlineData"] == {"mimeType": "image/png", "data": "iVBORw0KGgo="}
    assert parts[2]["fileData"]["mimeType"] == "application/pdf"


def test_the_newest_config_fields_go_where_google_genai_writes_them() -> None:
    """google-genai's `GenerateContentConfig` names two fields otherwise than the API
    (`model_selection_config` is `generationConfig.modelConfig`, `generation_output_config`
    the top-level `outputConfig`); `store` and `continuation_token` are top-level."""
    extra = {
        "model_selection_config": {"feature_selection_preference": "BALANCED"},
        "generation_output_config": {"a": 1},
        "audio_transcription_config": {},
        "store": True,
        "continuation_token": "Y29udA==",
    }
    body = build_body([HumanMessage("Hi")], CallSettings(model="m", extra_body=extra))
    assert body["generationConfig"] == {
        "modelConfig": {"feature_selection_preference": "BALANCED"},
        "audioTranscriptionConfig": {},
    }
    assert (body["outputConfig"], body["store"], body["continuationToken"]) == (
        {"a": 1},
        True,
        "Y29udA==",
    )


def _refused_by_the_sdk(convert: Any, field: str) -> bool:
    """Whether google-genai's converter for one API refuses `field` as the other API's."""
    try:
        convert(None, {field: {}}, {}, {})
    except ValueError as exc:
        return "is only supported in" in str(exc)
    except Exception:  # noqa: BLE001 - another refusal (a value it cannot convert): not this
        return False
    return False


@pytest.mark.parametrize("vertex", [False, True], ids=["gemini-api", "vertex-ai"])
def test_a_field_the_other_api_alone_takes_is_refused_as_google_genai_refuses_it(
    vertex: bool,
) -> None:
    """The SDK is the oracle: every API parameter its converter for one API refuses
    (a ValueError before any request) is refused there, in its words, either spelling."""
    models = pytest.importorskip("google.genai.models")
    from google.genai import types

    from chatplex.providers.google.adapter import GeminiAdapter
    from chatplex.providers.google.request import API_PARAMETERS_SNAKE
    from chatplex.providers.google.request import camel
    from chatplex.providers.google.vertex_adapter import VertexAIAdapter

    convert = (
        models._GenerateContentConfig_to_vertex
        if vertex
        else models._GenerateContentConfig_to_mldev
    )
    fields = set(types.GenerateContentConfig.model_fields) & API_PARAMETERS_SNAKE
    refused = {field for field in fields if _refused_by_the_sdk(convert, field)}
    assert refused  # (the oracle answers: each API has some)
    adapter = (
        VertexAIAdapter(project="p", location="us-central1", api_key="k-1")
        if vertex
        else GeminiAdapter(api_key="k-1")
    )
    for field in sorted(fields):
        for spelling in (field, camel(field)):
            settings = CallSettings(model="gemini-2.5-flash", extra_body={spelling: {}})
            if field in refused:
                with pytest.raises(ValueError, match=f"^{field} parameter is only supported"):
                    adapter.build_request([HumanMessage("Hi")], settings, stream=False)
            else:
                try:
                    adapter.build_request([HumanMessage("Hi")], settings, stream=False)
                except ValueError as exc:  # another check of its value: not this one
                    assert "is only supported in" not in str(exc), field


#: google-genai's `GenerateContentConfig` fields that are no body parameter a model or
#: call sets, and why.
SDK_ONLY_CONFIG = {
    "automatic_continuation": "the SDK's own loop over continuation tokens",
    "automatic_function_calling": "the SDK calling Python functions itself",
    "http_options": "the SDK client's HTTP options",
    "should_return_http_response": "the SDK's return value",
    "system_instruction": "the conversation's system messages",
}


def test_every_config_field_of_google_genai_is_an_api_parameter_or_listed() -> None:
    """The SDK is the oracle: a field a new google-genai release adds fails here until
    the wire knows it (`API_PARAMETERS_SNAKE`) or it is listed with its reason."""
    types = pytest.importorskip("google.genai.types")
    from chatplex.providers.google.request import API_PARAMETERS_SNAKE

    fields = set(types.GenerateContentConfig.model_fields)
    assert fields - API_PARAMETERS_SNAKE == set(SDK_ONLY_CONFIG)
