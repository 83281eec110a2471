"""`test_generated_requests.py`'s generated conversations over the side wires
(`test_side_wires.SIDE_WIRES`: every drop-in with an installed partner package the script
sets leave out): the request body the partner class and chatplex's send for the same
drawn history, settings and tools, compared body by body, or, where a side raises
before sending, the error's class and words.

The cases are that file's draws (`generate`, seeded by wire and number), fewer per wire;
a draw with a shape this file keeps (`KEPT_SHAPES`) is passed over for the next, so that
the difference stays visible as its named cell: a scenario of `SCENARIOS` below (the
smallest history showing it), judged the same or by a row of this file's tables (or the
row of another file the predicate names). Two spellings the API reads as one are read as
one on both sides (`comparable`): a top-level key sent as null (AzureChatOpenAI's
`"model": null`, as tests/partners/azure compares bodies) and Vertex AI's function
calling mode written as its enum number by langchain-google-vertexai's REST client (as
`_cells`' tool_choices row on vertex says).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import messages

from ._cells import DIFFERENCES
from ._cells import Difference
from ._cells import _declarations
from ._generated import Kept
from ._generated import NamedFamily
from ._generated import generated_test
from ._generated import kept_out
from ._kit import Run
from .test_generated_requests import _CALL
from .test_generated_requests import GENERATED_DIFFERENCES
from .test_generated_requests import IMAGE_URL
from .test_generated_requests import PIXEL
from .test_generated_requests import Case
from .test_generated_requests import _tool_uses
from .test_generated_requests import generate
from .test_generated_requests import sent
from .test_side_wires import _SAMBANOVA_PARTS
from .test_side_wires import SIDE_DIFFERENCES
from .test_side_wires import SIDE_WIRES
from .test_side_wires import _nullable_dropped

pytestmark = pytest.mark.xdist_group("agents_matrix_side_wires")

#: How many drawn cases each side wire compares (fewer than the script wires': the file
#: is one of many over these wires).
CASES_PER_WIRE = 6
#: How many draws a wire may pass over before its cases are counted short.
DRAWS_PER_WIRE = 200

#: Vertex AI's FunctionCallingConfig.Mode by number, as its REST client writes it.
_VERTEX_MODES = {0: "MODE_UNSPECIFIED", 1: "AUTO", 2: "ANY", 3: "NONE"}
#: Vertex AI's OpenAPI Schema.Type by number, as its REST client writes it.
_VERTEX_TYPES = {
    0: "TYPE_UNSPECIFIED",
    1: "STRING",
    2: "NUMBER",
    3: "INTEGER",
    4: "BOOLEAN",
    5: "ARRAY",
    6: "OBJECT",
    7: "NULL",
}


def _types_named(schema: Any) -> Any:
    """A tool declaration with each numbered schema `type` named (what the API reads the
    same)."""
    if isinstance(schema, list):
        return [_types_named(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    named = {key: _types_named(value) for key, value in schema.items()}
    if isinstance(named.get("type"), int):
        named["type"] = _VERTEX_TYPES[named["type"]]
    return named


def _comparable_body(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    out = {k: v for k, v in body.items() if v is not None}
    calling = (out.get("toolConfig") or {}).get("functionCallingConfig")
    if isinstance(calling, dict) and isinstance(calling.get("mode"), int):
        mode = _VERTEX_MODES[calling["mode"]]
        out["toolConfig"] = {
            **out["toolConfig"],
            "functionCallingConfig": {**calling, "mode": mode},
        }
    if "tools" in out:
        out["tools"] = _types_named(out["tools"])
    return out


def comparable(outcome: Any) -> Any:
    """`sent`'s outcome with each body's top-level null keys left out and a numbered
    function calling mode and schema type named (what the API reads the same)."""
    if isinstance(outcome, list):
        return [_comparable_body(body) for body in outcome]
    if isinstance(outcome, dict) and "raised" not in outcome:
        return {k: comparable(v) for k, v in outcome.items()}
    return outcome


def side_sent(case: Case) -> Callable[[Run], Any]:
    """A scenario: `sent(case)`, read by `comparable`."""
    scenario = sent(case)
    return lambda run: comparable(scenario(run))


def _asked(*history: messages.BaseMessage, **how: Any) -> Callable[[Run], Any]:
    """A named scenario: the bodies `history`'s invoke sent, with `how` (Case's fields)."""
    return side_sent(Case(list(history), **how))


_HI = messages.HumanMessage("Hi")


def side_empty_tools_choice(run: Run) -> Any:
    """`bind_tools([])` with no choice ("unset") and with each choice: each call's body
    (or what it raised)."""
    out = {"unset": _asked(_HI, tools=[])(run)}
    for choice in ("auto", "none", "any", "required"):
        out[choice] = _asked(_HI, tools=[], bind={"tool_choice": choice})(run)
    return out


def _images(spellings: dict[str, dict[str, Any]]) -> Callable[[Run], Any]:
    """A scenario: a user turn of text and an image, in each of `spellings`: each call's
    body (or what it raised), by spelling."""

    def scenario(run: Run) -> Any:
        return {
            name: _asked(messages.HumanMessage([{"type": "text", "text": "See"}, image]))(run)
            for name, image in spellings.items()
        }

    return scenario


_DATA_URL = f"data:image/png;base64,{PIXEL}"
_AGAIN = messages.HumanMessage("Again")

#: The named scenarios: the smallest history showing each difference the generator found
#: on a side wire.
SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "side_empty_tools_choice": side_empty_tools_choice,
    "side_image_inline": _images(
        {
            "image_url": {"type": "image_url", "image_url": {"url": _DATA_URL}},
            "image": {"type": "image", "base64": PIXEL, "mime_type": "image/png"},
        }
    ),
    "side_image_by_url": _images(
        {
            "image_url": {"type": "image_url", "image_url": {"url": IMAGE_URL}},
            "image": {"type": "image", "url": IMAGE_URL},
        }
    ),
    "side_empty_assistant_turn": _asked(_HI, messages.AIMessage(""), _AGAIN),
    "side_assistant_text_blocks": _asked(
        _HI,
        messages.AIMessage([{"type": "text", "text": "One. "}, {"type": "text", "text": "Two."}]),
        _AGAIN,
    ),
    "side_system_text_blocks": _asked(
        messages.SystemMessage(
            [{"type": "text", "text": "Be terse."}, {"type": "text", "text": "Answer in English."}]
        ),
        _HI,
    ),
    "side_named_speaker": _asked(messages.HumanMessage("Hi", name="ada")),
    "side_replayed_tool_use_blocks": _asked(
        messages.HumanMessage("Look it up"),
        messages.AIMessage(list[Any](_tool_uses([_CALL])), tool_calls=[_CALL]),
        messages.ToolMessage("42", tool_call_id=_CALL["id"]),
    ),
    "side_openai_dict_tool": _asked(_HI, tools=["lookup"]),
    "side_nested_tool_schema": _asked(_HI, tools=["BookTrip"]),
    "side_forced_by_name": _asked(_HI, tools=["get_weather"], bind={"tool_choice": "get_weather"}),
    "side_choice_none": _asked(_HI, tools=["get_weather"], bind={"tool_choice": "none"}),
    "side_max_tokens": _asked(_HI, settings={"max_tokens": 64}),
    "side_stream_stop": _asked(_HI, call={"stop": ["END"]}, how="stream"),
    "side_parallel_calls_off": _asked(
        _HI, tools=["get_weather"], bind={"parallel_tool_calls": False}
    ),
}

#: Scenario -> the side wires it runs on: where a sweep over every side wire found it
#: differing (the others sent the same; those the fixes of this file's commits made the
#: same stay, held: Cohere's and the Responses API's text blocks, the Responses API's
#: and ChatBedrock's empty turn), to keep the file cheap.
ONLY: dict[str, tuple[str, ...]] = {
    "side_empty_tools_choice": SIDE_WIRES,
    "side_image_inline": ("vertex", "cohere", "perplexity", "sambanova"),
    "side_image_by_url": ("vertex", "bedrock", "cohere", "perplexity", "sambanova"),
    "side_empty_assistant_turn": ("responses", "vertex", "bedrock"),
    # SambaNova's: test_generated_requests' assistant_text_blocks_joined.
    "side_assistant_text_blocks": ("responses", "cohere"),
    "side_system_text_blocks": ("cohere",),
    "side_named_speaker": ("perplexity",),
    "side_replayed_tool_use_blocks": ("cohere", "perplexity"),
    "side_openai_dict_tool": ("cohere", "vertex"),
    "side_nested_tool_schema": ("cohere", "vertex"),
    "side_forced_by_name": ("perplexity",),
    "side_choice_none": ("bedrock", "cohere"),
    "side_max_tokens": ("cohere",),
    "side_stream_stop": ("perplexity",),
    # (Vertex AI's: the same, its adapter sending nothing of it)
    "side_parallel_calls_off": ("cohere",),
}


def _raised(kind: str, outcome: Any) -> bool:
    """`sent`'s outcome says the call raised `kind` (module and class name) before sending."""
    return isinstance(outcome, dict) and outcome.get("raised") == kind


def _sent(outcome: Any, spelling: str) -> list[dict[str, Any]]:
    """The bodies one spelling of a by-spelling outcome sent."""
    found = outcome.get(spelling) if isinstance(outcome, dict) else None
    return found if isinstance(found, list) else []


def _user_parts(outcome: Any, spelling: str) -> list[Any]:
    """The content of the first message of the body `spelling` sent (one body)."""
    bodies = _sent(outcome, spelling)
    if len(bodies) != 1:
        return []
    content = (bodies[0].get("messages") or [{}])[0].get("content")
    return content if isinstance(content, list) else []


def _tools_empty_everywhere(outcome: Any) -> bool:
    """Every choice of side_empty_tools_choice went with `tools: []`."""
    return isinstance(outcome, dict) and all(
        [b.get("tools") for b in _sent(outcome, c)] == [[]] for c in outcome
    )


def _choices_sent(outcome: Any) -> dict[str, Any]:
    """side_empty_tools_choice's outcome: each choice's body's `tool_choice` (None: not
    sent), or its Vertex AI `functionCallingConfig`, by choice (the calls that sent one)."""
    return {
        choice: body.get("tool_choice", (body.get("toolConfig") or {}).get("functionCallingConfig"))
        for choice in ("auto", "none", "any", "required")
        for body in _sent(outcome, choice)[:1]
    }


def _parameters_without_null(outcome: Any) -> bool:
    """The function was declared in OpenAPI `parameters` with no trace of a null."""
    return _nullable_dropped(_declarations(outcome))


def _cohere_tool_schema_cut(outcome: Any) -> bool:
    """BookTrip's nested `destination` went without its properties, `travellers`
    without its items, `cabin` without its enum and default."""
    tools = (outcome[0].get("tools") or []) if isinstance(outcome, list) and outcome else []
    props = tools[0]["function"]["parameters"]["properties"] if tools else {}
    return (
        bool(props)
        and "properties" not in props["destination"]
        and "items" not in props["travellers"]
        and not {"enum", "default"} & set(props["cabin"])
    )


def _first_body(outcome: Any) -> dict[str, Any]:
    return outcome[0] if isinstance(outcome, list) and outcome else {}


SIDE_GENERATED_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        ("side_empty_tools_choice", wire): Difference(
            "rejected by provider",
            f"{package} sends bind_tools([]) as `tools: []`, alone or beside the choice "
            "('auto', 'none', 'any' as 'required', 'required'), which the API refuses as "
            "OpenAI does (400 \"Invalid 'tools': empty array\"; see "
            "test_side_wires' docs_review_schemas row); chatplex sends neither, and refuses "
            "'any' and 'required' at bind_tools (ValueError 'needs bound tools')",
            _tools_empty_everywhere,
        )
        for wire, package in (
            ("azure", "langchain-openai's AzureChatOpenAI"),
            ("deepseek", "langchain-deepseek"),
        )
    },
    ("side_empty_tools_choice", "bedrock"): Difference(
        "rejected by provider",
        "langchain-aws' ChatBedrock sends bind_tools([], tool_choice='none') and "
        "tool_choice='required' beside `tools: []` as choices of a tool named 'none' and "
        "one named 'required' ({'type': 'tool', 'name': ...}), not among the tools offered: "
        "the API refuses the request (see side_choice_none and _cells' tool_choices row); "
        "chatplex sends Anthropic's {'type': 'none'} and {'type': 'any'} (its 'auto' and "
        "'any' as langchain-aws')",
        lambda theirs: (
            _choices_sent(theirs).get("none") == {"type": "tool", "name": "none"}
            and _choices_sent(theirs).get("required") == {"type": "tool", "name": "required"}
        ),
    ),
    ("side_empty_tools_choice", "cohere"): Difference(
        "rejected by provider",
        "langchain-cohere sends bind_tools([], tool_choice=...) beside `tools: []` as "
        "written ('auto', 'none', 'any', 'required'), where Cohere's v2 API takes only "
        "REQUIRED or NONE (see side_choice_none and _cells' tool_choices row); chatplex "
        "sends Cohere's words beside it (NONE, REQUIRED for 'any' and 'required'), and "
        "no choice for 'auto' (Cohere's default)",
        lambda theirs: (
            _choices_sent(theirs)
            == {"auto": "auto", "none": "none", "any": "any", "required": "required"}
        ),
    ),
    ("side_empty_tools_choice", "fireworks"): Difference(
        "rejected by provider",
        "langchain-fireworks sends bind_tools([], tool_choice='required') beside "
        "`tools: []` as a choice of a function named 'required' ({'type': 'function', "
        "'function': {'name': 'required'}}), not among the tools offered: the API refuses "
        "the request (see _cells' tool_choices row); chatplex sends 'required' (its "
        "'auto', 'none' and 'any' as langchain-fireworks')",
        lambda theirs: (
            _choices_sent(theirs).get("required")
            == {"type": "function", "function": {"name": "required"}}
        ),
    ),
    ("side_empty_tools_choice", "vertex"): Difference(
        "rejected by provider",
        "langchain-google-vertexai sends bind_tools([], tool_choice='required') as mode "
        "ANY with allowedFunctionNames ['required'], a function not declared, which "
        "Vertex AI refuses (see _cells' tool_choices row); chatplex sends mode ANY, as "
        "both send 'any' (its 'auto' and 'none' as langchain-google-vertexai's)",
        lambda theirs: (
            _choices_sent(theirs).get("required")
            == {"mode": "ANY", "allowedFunctionNames": ["required"]}
        ),
    ),
    ("side_image_inline", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai sends a PNG data URL's image labelled `image/jpeg` (as "
        "tests/partners/vertex keeps it: image_data_url); chatplex sends the MIME type "
        "the URL names",
        lambda theirs: (
            [
                p.get("inlineData", {}).get("mimeType")
                for b in _sent(theirs, "image_url")
                for p in b["contents"][0]["parts"]
            ]
            == [None, "image/jpeg"]
        ),
    ),
    **{
        (scenario, "cohere"): Difference(
            "loses data",
            "langchain-cohere sends a user turn's LangChain `image` block (by base64 or "
            "URL) as nothing, the text alone reaching Cohere (see test_side_wires' "
            "docs_message_lifecycle row); chatplex sends it as an `image_url` part",
            lambda theirs: _user_parts(theirs, "image") == [{"type": "text", "text": "See"}],
        )
        for scenario in ("side_image_inline", "side_image_by_url")
    },
    **{
        (scenario, "perplexity"): Difference(
            "raises",
            "pydantic's ValidationError: langchain-perplexity's perplexity SDK request "
            "model takes no LangChain `image` block (ApiChatCompletionsRequestInput), so "
            "nothing is sent; chatplex sends it as an `image_url` part",
            lambda theirs: _raised(
                "pydantic_core._pydantic_core.ValidationError", theirs.get("image")
            ),
        )
        for scenario in ("side_image_inline", "side_image_by_url")
    },
    **{
        (scenario, "sambanova"): Difference(
            "rejected by provider",
            "langchain-sambanova sends a user turn's LangChain `image` block as it is "
            "({'type': 'image', ...}), a part SambaNova's chat completions do not take "
            f"({_SAMBANOVA_PARTS}; see test_side_wires' docs_message_lifecycle row); "
            "chatplex sends it as an `image_url` part",
            lambda theirs: (
                [p.get("type") for p in _user_parts(theirs, "image")] == ["text", "image"]
            ),
        )
        for scenario in ("side_image_inline", "side_image_by_url")
    },
    ("side_empty_assistant_turn", "vertex"): Difference(
        "rejected by provider",
        "langchain-google-vertexai sends AIMessage('') as a model turn with no parts, "
        "which Vertex AI refuses (400: 'contents.parts must not be empty'); chatplex "
        "leaves the empty turn out",
        lambda theirs: {"role": "model"} in _first_body(theirs).get("contents", []),
    ),
    ("side_replayed_tool_use_blocks", "cohere"): Difference(
        "raises",
        "pydantic's ValidationError: langchain-cohere sends the content of an assistant "
        "turn with tool calls as its tool plan as it is, and content of blocks (text "
        "blocks, or a ChatAnthropic reply's `tool_use` blocks, as here) the cohere SDK's "
        "AssistantChatMessageV2 takes only as a string: nothing is sent; chatplex sends "
        "the text as the tool plan beside the calls",
        lambda theirs: _raised("pydantic_core._pydantic_core.ValidationError", theirs),
    ),
    ("side_replayed_tool_use_blocks", "perplexity"): Difference(
        "raises",
        "pydantic's ValidationError: langchain-perplexity passes a replayed assistant "
        "turn's `tool_use` blocks (a ChatAnthropic reply's) to the perplexity SDK's "
        "request model, which takes no such part: nothing is sent; chatplex sends the "
        "text beside the calls",
        lambda theirs: _raised("pydantic_core._pydantic_core.ValidationError", theirs),
    ),
    ("side_openai_dict_tool", "cohere"): Difference(
        "raises",
        "ValueError: langchain-cohere's bind_tools refuses a tool given as an OpenAI "
        "function dict ('Unsupported dict type. Tool must be passed in as a BaseTool "
        "instance, JSON schema dict, or BaseModel type.'); chatplex sends it",
        lambda theirs: _raised("builtins.ValueError", theirs),
    ),
    **{
        ("side_nested_tool_schema", wire): Difference("loses data", shows, check)
        for wire, shows, check in (
            (
                "cohere",
                "langchain-cohere declares a tool's parameters by type and description "
                "alone: a nested model's properties, a list's items, an enum, a default "
                "and a nullable field's null are dropped (the model is never told them); "
                "chatplex sends the schema LangChain's convert_to_openai_tool makes",
                _cohere_tool_schema_cut,
            ),
            (
                "vertex",
                "langchain-google-vertexai declares each function in the OpenAPI subset "
                "(`parameters`, types as enum numbers), a nullable field's null dropped "
                "(see test_side_wires' structured_strict row); chatplex sends "
                "`parametersJsonSchema`, the JSON Schema as given",
                _parameters_without_null,
            ),
        )
    },
    ("side_forced_by_name", "perplexity"): Difference(
        "raises",
        "pydantic's ValidationError: langchain-perplexity passes bind_tools(tool_choice="
        "<a tool's name>) as OpenAI's {'type': 'function', ...} to the perplexity SDK, "
        "whose request model takes only 'none', 'auto' or 'required': nothing is sent; "
        "chatplex sends the choice",
        lambda theirs: _raised("pydantic_core._pydantic_core.ValidationError", theirs),
    ),
    ("side_choice_none", "bedrock"): Difference(
        "rejected by provider",
        "langchain-aws' ChatBedrock sends bind_tools(tool_choice='none') as a choice of "
        "a tool named 'none' ({'type': 'tool', 'name': 'none'}), which is not among the "
        "tools offered: the API refuses the request (see _cells' choice_none rows); "
        "chatplex sends Anthropic's {'type': 'none'}",
        lambda theirs: _first_body(theirs).get("tool_choice") == {"type": "tool", "name": "none"},
    ),
    ("side_choice_none", "cohere"): Difference(
        "rejected by provider",
        "langchain-cohere sends bind_tools(tool_choice='none') as written, where Cohere's "
        "v2 API takes only REQUIRED or NONE (see _cells' tool_choices row); chatplex "
        "sends NONE",
        lambda theirs: _first_body(theirs).get("tool_choice") == "none",
    ),
    ("side_max_tokens", "cohere"): Difference(
        "loses data",
        "langchain-cohere leaves ChatCohere(max_tokens=64) out of the request (the reply "
        "is not cut where the script asked); chatplex sends `max_tokens`",
        lambda theirs: bool(_first_body(theirs)) and "max_tokens" not in _first_body(theirs),
    ),
}

SIDE_GENERATED_DIFFERENCES[("side_stream_stop", "perplexity")] = Difference(
    "raises",
    "TypeError: langchain-perplexity's stream passes stream(..., stop=[...]) on to the "
    "perplexity SDK's create() as `stop_sequences`, which it does not take "
    '("ChatCompletionsResource.create() got an unexpected keyword argument '
    "'stop_sequences'\"): nothing is sent; chatplex streams with `stop` sent",
    lambda theirs: _raised("builtins.TypeError", theirs),
)


def _kept_row(scenario: str, wire: str) -> bool:
    return (scenario, wire) in SIDE_GENERATED_DIFFERENCES


def _ai_turns(case: Case) -> list[messages.AIMessage]:
    return [m for m in case.history if isinstance(m, messages.AIMessage)]


def _user_blocks(case: Case) -> list[dict[str, Any]]:
    """Every block of the user turns given as a list."""
    return [
        b
        for m in case.history
        if isinstance(m, messages.HumanMessage) and isinstance(m.content, list)
        for b in m.content
        if isinstance(b, dict)
    ]


def _tool_uses_replayed(turn: messages.AIMessage) -> bool:
    return isinstance(turn.content, list) and any(
        isinstance(b, dict) and b.get("type") == "tool_use" for b in turn.content
    )


def _choice_beside_no_tools(case: Case, wire: str) -> bool:
    return (
        case.tools == []
        and case.bind.get("tool_choice") is not None
        and _kept_row("side_empty_tools_choice", wire)
    )


def _empty_tools(case: Case, wire: str) -> bool:
    return case.tools == [] and wire in ("azure", "deepseek")


def _langchain_image_blocks(case: Case, wire: str) -> bool:
    return wire in ("cohere", "perplexity", "sambanova") and any(
        b.get("type") == "image" for b in _user_blocks(case)
    )


def _png_data_url(case: Case, wire: str) -> bool:
    return wire == "vertex" and any(
        b.get("type") == "image_url" and b["image_url"]["url"].startswith("data:")
        for b in _user_blocks(case)
    )


def _empty_ai_turn(case: Case, wire: str) -> bool:
    return wire == "vertex" and any(t.content == "" and not t.tool_calls for t in _ai_turns(case))


def _ai_tool_use_blocks(case: Case, wire: str) -> bool:
    """A replayed ChatAnthropic reply's `tool_use` blocks; on Cohere, any tool-calling
    turn whose content is blocks (langchain-cohere's tool plan takes it as it is)."""
    if wire == "cohere":
        return any(t.tool_calls and isinstance(t.content, list) for t in _ai_turns(case))
    return wire == "perplexity" and any(_tool_uses_replayed(t) for t in _ai_turns(case))


def _sambanova_ai_blocks(case: Case, wire: str) -> bool:
    return wire == "sambanova" and any(isinstance(t.content, list) for t in _ai_turns(case))


def _cohere_dict_tool(case: Case, wire: str) -> bool:
    return wire == "cohere" and "lookup" in (case.tools or ())


def _cohere_tools(case: Case, wire: str) -> bool:
    return wire == "cohere" and bool(case.tools)


def _vertex_nullable_tools(case: Case, wire: str) -> bool:
    return wire == "vertex" and "BookTrip" in (case.tools or ())


def _cohere_max_tokens(case: Case, wire: str) -> bool:
    return wire == "cohere" and "max_tokens" in case.settings


def _perplexity_named_choice(case: Case, wire: str) -> bool:
    return wire == "perplexity" and case.bind.get("tool_choice") in (case.tools or ())


def _bedrock_choice_none(case: Case, wire: str) -> bool:
    return wire == "bedrock" and case.bind.get("tool_choice") == "none"


def _required_as_a_name(case: Case, wire: str) -> bool:
    return wire in ("bedrock", "fireworks", "vertex") and case.bind.get("tool_choice") == "required"


def _perplexity_stream_stop(case: Case, wire: str) -> bool:
    return wire == "perplexity" and case.how == "stream" and "stop" in case.call


#: Name -> a shape kept out of the generated cases, by the row holding it: this file's
#: named cells, and the kept differences other files hold (their scenario named).
KEPT_SHAPES: dict[str, Kept[Case]] = {
    "choice_beside_no_tools": Kept("side_empty_tools_choice", _choice_beside_no_tools),
    "empty_tools": Kept("side_empty_tools_choice", _empty_tools),
    "langchain_image_blocks": Kept("side_image_inline", _langchain_image_blocks),
    "png_data_url": Kept("side_image_inline", _png_data_url),
    "empty_ai_turn": Kept("side_empty_assistant_turn", _empty_ai_turn),
    "ai_tool_use_blocks": Kept("side_replayed_tool_use_blocks", _ai_tool_use_blocks),
    "sambanova_ai_blocks": Kept("assistant_text_blocks_joined", _sambanova_ai_blocks),
    "cohere_dict_tool": Kept("side_openai_dict_tool", _cohere_dict_tool),
    "cohere_tools": Kept("side_nested_tool_schema", _cohere_tools),
    "vertex_nullable_tools": Kept("side_nested_tool_schema", _vertex_nullable_tools),
    "cohere_max_tokens": Kept("side_max_tokens", _cohere_max_tokens),
    "perplexity_named_choice": Kept("side_forced_by_name", _perplexity_named_choice),
    "bedrock_choice_none": Kept("side_choice_none", _bedrock_choice_none),
    "required_as_a_name": Kept("tool_choices", _required_as_a_name),
    "perplexity_stream_stop": Kept("side_stream_stop", _perplexity_stream_stop),
}


@functools.cache
def side_cases(wire: str) -> tuple[Case, ...]:
    """The first `CASES_PER_WIRE` of `generate`'s draws on `wire` that no `KEPT_SHAPES`
    predicate keeps out (at most `DRAWS_PER_WIRE` drawn)."""
    drawn = (generate(wire, number) for number in range(DRAWS_PER_WIRE))
    kept = (c for c in drawn if not kept_out(KEPT_SHAPES, c, wire))
    return tuple(itertools.islice(kept, CASES_PER_WIRE))


NAMED = NamedFamily(SCENARIOS, SIDE_WIRES, ONLY, differences=SIDE_GENERATED_DIFFERENCES)
test_named_side_request = NAMED.test()


def side_case(wire: str, number: int) -> Case:
    """Case `number` of `side_cases(wire)`."""
    return side_cases(wire)[number]


test_generated_side_request = generated_test(SIDE_WIRES, CASES_PER_WIRE, side_case, side_sent)


def test_every_row_names_a_cell_and_every_kept_shape_a_row() -> None:
    NAMED.check_rows()
    assert all(set(wires) <= set(SIDE_WIRES) for wires in ONLY.values())
    rows = {
        *DIFFERENCES,
        *SIDE_DIFFERENCES,
        *GENERATED_DIFFERENCES,
        *SIDE_GENERATED_DIFFERENCES,
    }
    for wire in SIDE_WIRES:
        assert len(side_cases(wire)) == CASES_PER_WIRE, f"{wire}: too few cases drawn"
        for number in range(DRAWS_PER_WIRE):
            case = generate(wire, number)
            for name, kept in KEPT_SHAPES.items():
                if kept.where(case, wire):  # the shape kept out on this wire: a row holds it
                    assert (kept.scenario, wire) in rows, f"{name}: no row {kept.scenario}-{wire}"
