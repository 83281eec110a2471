"""The Gemini request body: messages, tools, tool choice and generation settings."""

from __future__ import annotations

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.google.openapi_schema import openapi_parameters
from chatplex.providers.google.request import FUNCTION_SIGNATURES_KEY
from chatplex.providers.google.request import build_body
from chatplex.providers.google.request import camel
from chatplex.providers.google.request import wire_contents
from chatplex.providers.google.request import wire_tool_config
from chatplex.providers.google.request import wire_tools

WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def test_system_messages_become_the_system_instruction_and_roles_are_user_and_model() -> None:
    system, contents = wire_contents(
        [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello"), HumanMessage("Bye")]
    )
    assert system == [{"text": "Be brief."}]
    assert contents == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Hello"}]},
        {"role": "user", "parts": [{"text": "Bye"}]},
    ]
    body = build_body([SystemMessage("Be brief."), HumanMessage("Hi")], CallSettings(model="m"))
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert "generationConfig" not in body


def test_images_go_inline_from_data_urls_and_by_uri_otherwise() -> None:
    message = HumanMessage(
        [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
            {"type": "image_url", "image_url": "https://example.com/cat.jpg"},
            {"type": "image", "base64": "R0lGOD", "mime_type": "image/gif"},
            {"type": "image", "url": "gs://bucket/dog.png", "mime_type": "image/png"},
        ]
    )
    _, contents = wire_contents([message])
    assert contents[0]["parts"] == [
        {"text": "What is this?"},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw0K"}},
        {"fileData": {"fileUri": "https://example.com/cat.jpg"}},
        {"inlineData": {"mimeType": "image/gif", "data": "R0lGOD"}},
        {"fileData": {"fileUri": "gs://bucket/dog.png", "mimeType": "image/png"}},
    ]


def test_blocks_by_file_id_name_a_type_as_langchain_google_genai_does() -> None:
    """A file block by a provider-managed id goes with `application/octet-stream` unless
    it names its type; an image (or other media) block by id with no type sends none, as
    langchain-google-genai builds them (a `mimeType` of null is no type)."""
    message = HumanMessage(
        [
            {"type": "file", "file_id": "files/abc"},
            {"type": "file", "file_id": "files/pdf", "mime_type": "application/pdf"},
            {"type": "image", "file_id": "files/img"},
        ]
    )
    _, contents = wire_contents([message])
    assert contents[0]["parts"] == [
        {"fileData": {"fileUri": "files/abc", "mimeType": "application/octet-stream"}},
        {"fileData": {"fileUri": "files/pdf", "mimeType": "application/pdf"}},
        {"fileData": {"fileUri": "files/img"}},
    ]


def test_a_data_url_that_is_not_base64_is_refused_naming_the_message() -> None:
    bad = HumanMessage([{"type": "image_url", "image_url": {"url": "data:image/png,raw"}}])
    with pytest.raises(ValueError, match="message 0: only base64 data URLs"):
        wire_contents([bad])


@pytest.mark.parametrize(
    ("provider", "kept"),
    [("google_genai", True), ("google_vertexai", True), (None, True), ("anthropic", False)],
)
def test_another_providers_thinking_is_left_out(provider: str | None, kept: bool) -> None:
    """A reply of another provider (Anthropic's, its signature Anthropic's) passed back:
    its thinking goes to Gemini neither as a thought nor with that signature, as
    langchain-google-genai leaves it out; Gemini's own and unnamed replies keep theirs."""
    metadata = {} if provider is None else {"model_provider": provider}
    reply = AIMessage(
        [
            {"type": "thinking", "thinking": "A greeting.", "signature": "c2ln"},
            {"type": "text", "text": "Hello!"},
        ],
        response_metadata=metadata,
    )
    _, contents = wire_contents([HumanMessage("Hi"), reply, HumanMessage("Again")])
    thought = {"text": "A greeting.", "thought": True, "thoughtSignature": "c2ln"}
    assert contents[1]["parts"] == [*([thought] if kept else []), {"text": "Hello!"}]


def test_tool_calls_and_their_answers_round_trip_with_thought_signatures() -> None:
    reply = AIMessage(
        [{"type": "thinking", "thinking": "Two cities.", "signature": "c2lnLTE="}],
        tool_calls=[
            {"name": "get_weather", "args": {"city": "Paris"}, "id": "a"},
            {"name": "get_weather", "args": {"city": "Rome"}, "id": "b"},
        ],
        additional_kwargs={FUNCTION_SIGNATURES_KEY: {"a": "c2lnLTI="}},
    )
    _, contents = wire_contents(
        [
            HumanMessage("Weather in Paris and Rome?"),
            reply,
            ToolMessage('{"temp": 21}', tool_call_id="a"),
            ToolMessage("sunny", tool_call_id="b"),
        ]
    )
    assert contents[1] == {
        "role": "model",
        "parts": [
            {"text": "Two cities.", "thought": True, "thoughtSignature": "c2lnLTE="},
            {
                "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                "thoughtSignature": "c2lnLTI=",
            },
            {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}},
        ],
    }
    # Both answers in one user turn; JSON objects sent parsed, other values wrapped.
    assert contents[2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"temp": 21}}},
            {"functionResponse": {"name": "get_weather", "response": {"output": "sunny"}}},
        ],
    }


def test_a_tool_message_without_a_known_name_is_refused() -> None:
    with pytest.raises(ValueError, match="message 1: a ToolMessage for Gemini needs"):
        wire_contents([HumanMessage("x"), ToolMessage("1", tool_call_id="unknown")])
    _, contents = wire_contents([HumanMessage("x"), ToolMessage("1", tool_call_id="u", name="f")])
    assert contents[1]["parts"][0]["functionResponse"]["name"] == "f"


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


def test_camel() -> None:
    assert camel("max_output_tokens") == "maxOutputTokens"
    assert camel("maxOutputTokens") == "maxOutputTokens"


def test_a_tool_result_of_blocks_goes_as_its_blocks_its_media_as_parts() -> None:
    """As langchain-google-genai sends it (issue 47): the blocks as given in `output`,
    not flattened to one text; an image block a part of its own, before the answer."""
    call = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "c1"}])
    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
    blocks = [{"type": "text", "text": "a"}, image, {"type": "text", "text": "b"}]
    _, contents = wire_contents([HumanMessage("x"), call, ToolMessage(blocks, tool_call_id="c1")])
    assert contents[-1] == {
        "role": "user",
        "parts": [
            {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
            {
                "functionResponse": {
                    "name": "f",
                    "response": {
                        "output": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
                    },
                }
            },
        ],
    }


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

    import chatplex
    from chatplex.testing import MockServer
    from tests.langchain.agents_matrix._kit import WIRES
    from tests.langchain.agents_matrix._kit import Run
    from tests.partners.google.test_google_sidebyside import _one_spelling as either_spelling

    seen: list[object] = []
    with MockServer(fault_plan=lambda request: seen.append(request.json)) as server:
        for side in ("langchain", "chatplex"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = Run(WIRES[wire], side, server).make(include_thoughts=True)
                model.invoke("Hi", thinking_budget=0)
        chatplex.close()
    # google-genai writes some fields snake_case; the API reads either spelling.
    theirs, ours = (either_spelling(b)["generationConfig"]["thinkingConfig"] for b in seen)
    assert theirs == {"thinkingBudget": 0, "includeThoughts": True}
    assert ours == theirs


def test_reasoning_effort_is_langchain_google_genais_thinking_level() -> None:
    import chatplex

    model = chatplex.langchain.ChatGoogleGenerativeAI(
        model="gemini-3-pro-preview", api_key="k", reasoning_effort="low"
    )
    body = model.build_request("Hi").json
    assert body["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "LOW"}
