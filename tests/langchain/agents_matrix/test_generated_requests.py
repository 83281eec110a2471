"""Generated conversations (issue 47): the request body each side sends for a history a
LangChain script can build, seeded and deterministic, on the wires a script most often
imports: the partner package's class and chatplex's, by the same constructor call,
compared body by body (`_kit.py`'s mask on the keys drawn per call), or, where a side
raises before sending, the error's class and words.

Every history-shape difference found before was found by a hand-written scenario, one at
a time; this file draws them. A case is a conversation in an order a real loop produces
(a system prompt of a string or text blocks; user turns of a string, text blocks, an
image by URL or base64 in OpenAI's and LangChain's block shapes, a `name`; assistant
turns of text, "", blocks, tool calls alone or beside text or a ChatAnthropic reply's
`tool_use` blocks, several calls, a replayed reply's `additional_kwargs`, id and usage;
each call answered by its result: a string, text blocks (one with a cache marker), an
error status, an artifact, named as LangGraph's ToolNode names it; follow-up turns), the
settings of the call (`stop`, `temperature`, `max_tokens`) and a bound tool set
(pydantic / TypedDict / function / dict tools with optional, Literal, Enum, list and
nested fields; each tool choice, `tools=[]` beside one, `parallel_tool_calls`), sent by
invoke, ainvoke or stream.

What the generator found, each minimised to a named scenario (the smallest history
showing it), is a cell of `SCENARIOS` below: the same, or a row of this file's tables;
the generator skips a kept shape only by a named predicate (`KEPT_SHAPES`), so that the
gap stays visible as its named cell.
"""

from __future__ import annotations

import enum
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Annotated
from typing import Any
from typing import Literal
from typing import TypedDict

import pytest
from langchain_core import messages
from pydantic import BaseModel
from pydantic import Field

from ._cells import DIFFERENCES
from ._cells import GAPS
from ._cells import Difference
from ._generated import Kept
from ._generated import NamedFamily
from ._generated import generated_test
from ._generated import kept_out
from ._kit import Raised
from ._kit import Run
from ._kit import arun
from ._kit import json_body
from ._kit import masked
from ._kit import requests_seen
from .test_content_scripts import _one_spelling
from .test_docs_scripts import DOCS_DIFFERENCES
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_requests")

#: The seed every case is drawn from (with its wire and number), and how many per wire.
SEED = 59
CASES_PER_WIRE = 40


# ---- the tools a case may bind --------------------------------------------------------------


class Address(BaseModel):
    """A postal address."""

    city: str
    zip_code: str | None = None


class Meal(enum.Enum):
    """A meal on board."""

    VEGAN = "vegan"
    STANDARD = "standard"


class BookTrip(BaseModel):
    """Book a trip for some travellers."""

    destination: Address
    travellers: list[str] = Field(description="Who travels")
    cabin: Literal["economy", "business"] = "economy"
    nights: int | None = None
    meal: Meal | None = None


class Convert(TypedDict):
    """Convert an amount between currencies."""

    amount: Annotated[float, ..., "The amount"]
    to: Annotated[Literal["EUR", "USD"], ..., "The currency to convert to"]


def get_weather(location: str, unit: Literal["c", "f"] = "c") -> str:
    """The weather at a location.

    Args:
        location: Where.
        unit: The unit of temperatures.
    """
    return f"It is sunny in {location}."


LOOKUP_DICT = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "Look a word up.",
        "parameters": {
            "type": "object",
            "properties": {
                "word": {"type": "string"},
                "langs": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["word"],
        },
    },
}

#: The tools a case binds some of, by the name a forced choice gives.
TOOLS: dict[str, Any] = {
    "BookTrip": BookTrip,
    "Convert": Convert,
    "get_weather": get_weather,
    "lookup": LOOKUP_DICT,
}

#: The calls a replayed assistant turn may carry, with their arguments.
#: The one call of the named scenarios' tool turns (an id Mistral takes: nine characters).
_CALL = {"name": "lookup", "args": {"word": "x"}, "id": "abcdefghi", "type": "tool_call"}

CALLS = {
    "get_weather": {"location": "Paris"},
    "lookup": {"word": "serendipity", "langs": ["fr"]},
    "Convert": {"amount": 12.5, "to": "EUR"},
}

#: A 1x1 PNG, its base64 holding a "+" (Gemini's SDK sends the URL-safe alphabet).
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5Erk"
    "Jggg=="
)
IMAGE_URL = "https://example.com/cat.png"


# ---- a case ----------------------------------------------------------------------------------


@dataclass
class Case:
    """One generated call: the history, the model's constructor settings, the tools bound
    (None: no `bind_tools`) with their keywords, the call's keywords and how it is made."""

    history: list[messages.BaseMessage]
    settings: dict[str, Any] = field(default_factory=dict)
    tools: list[str] | None = None
    bind: dict[str, Any] = field(default_factory=dict)
    call: dict[str, Any] = field(default_factory=dict)
    how: str = "invoke"

    def __str__(self) -> str:
        turns = "\n".join(f"  {m!r}" for m in self.history)
        return (
            f"settings={self.settings} tools={self.tools} bind={self.bind} "
            f"call={self.call} how={self.how}\n{turns}"
        )


def _text_blocks(rng: random.Random, text: str) -> Any:
    if rng.random() < 0.5:
        return text
    return [{"type": "text", "text": part} for part in text.split(". ") if part]


def _system(rng: random.Random) -> messages.SystemMessage:
    return messages.SystemMessage(_text_blocks(rng, "You are terse. Answer in English."))


def _image(rng: random.Random) -> dict[str, Any]:
    return rng.choice(
        [
            {"type": "image_url", "image_url": {"url": IMAGE_URL}},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PIXEL}"}},
            {"type": "image", "url": IMAGE_URL},
            {"type": "image", "base64": PIXEL, "mime_type": "image/png"},
        ]
    )


def _human(rng: random.Random, text: str) -> messages.HumanMessage:
    content: Any = _text_blocks(rng, text)
    if rng.random() < 0.25:
        blocks = [{"type": "text", "text": text}] if isinstance(content, str) else content
        content = [*blocks, _image(rng)]
    name = {"name": "ada"} if rng.random() < 0.2 else {}
    return messages.HumanMessage(content, **name)


def _openai_calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The calls as a replayed OpenAI-family reply carries them in `additional_kwargs`."""
    import json

    return [
        {
            "id": c["id"],
            "type": "function",
            "function": {"name": c["name"], "arguments": json.dumps(c["args"])},
        }
        for c in calls
    ]


def _tool_uses(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The content of a replayed ChatAnthropic reply calling `calls`: its text, then a
    `tool_use` block per call."""
    uses = [
        {"type": "tool_use", "id": c["id"], "name": c["name"], "input": c["args"]} for c in calls
    ]
    return [{"type": "text", "text": "Checking."}, *uses]


def _replayed(rng: random.Random) -> dict[str, Any]:
    """What else a replayed reply may carry: its id and usage (none of it sent back)."""
    if rng.random() < 0.6:
        return {}
    usage = {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12}
    return {"id": "run-7f3a", "usage_metadata": usage}


def _calling(rng: random.Random, turn: int) -> list[messages.BaseMessage]:
    """An assistant turn calling tools, then each call's result."""
    names = rng.sample(sorted(CALLS), rng.choice([1, 1, 2]))
    calls = [
        {"name": n, "args": CALLS[n], "id": f"call_{turn}{i}", "type": "tool_call"}
        for i, n in enumerate(names)
    ]
    content: Any = rng.choice(
        ["", "", "Let me check.", [{"type": "text", "text": "Checking."}], _tool_uses(calls)]
    )
    extra: dict[str, Any] = rng.choice(
        [{}, {"refusal": None}, {"tool_calls": _openai_calls(calls)}]
    )
    out: list[messages.BaseMessage] = [
        messages.AIMessage(content, tool_calls=calls, additional_kwargs=extra, **_replayed(rng))
    ]
    for call in calls:
        kind = rng.choice(["str", "blocks", "error", "artifact"])
        result: Any = f"{call['name']} says 42"
        more: dict[str, Any] = {}
        if kind == "blocks":
            result = [{"type": "text", "text": result}]
            if rng.random() < 0.3:  # a cache marker, as langchain-openai's docs set it
                result[0]["prompt_cache_breakpoint"] = {"type": "ephemeral"}
        elif kind == "error":
            result, more = f"Error: {call['name']} failed", {"status": "error"}
        elif kind == "artifact":
            more = {"artifact": {"raw": [1, 2]}}
        if rng.random() < 0.5:  # named, as LangGraph's ToolNode names it
            more["name"] = call["name"]
        out.append(messages.ToolMessage(result, tool_call_id=call["id"], **more))
    return out


def _answer(rng: random.Random) -> messages.AIMessage:
    content: Any = rng.choice(["It is sunny.", "", [{"type": "text", "text": "It is sunny."}]])
    extra: dict[str, Any] = rng.choice([{}, {"refusal": None}])
    return messages.AIMessage(content, additional_kwargs=extra, **_replayed(rng))


def _history(rng: random.Random) -> list[messages.BaseMessage]:
    """A conversation in an order a loop produces, ending where the model is called: after
    a user turn or after the results of the last turn's calls."""
    out: list[messages.BaseMessage] = [_system(rng)] if rng.random() < 0.6 else []
    out.append(_human(rng, "What is the weather in Paris. Be brief"))
    for turn in range(rng.choice([0, 1, 1, 2])):
        if rng.random() < 0.7:
            out += _calling(rng, turn)
            if rng.random() < 0.3:
                return out  # the model is called on the results
        out.append(_answer(rng))
        out.append(_human(rng, "And tomorrow?"))
    return out


def _tools(rng: random.Random, case: Case) -> None:
    roll = rng.random()
    if roll < 0.35:
        return
    names = [] if roll < 0.45 else rng.sample(sorted(TOOLS), rng.randint(1, 3))
    case.tools = names
    choices: list[Any] = [None, None, "auto", "any", "required", "none"]
    choices += names
    choice = rng.choice(choices)
    if choice is not None:
        case.bind["tool_choice"] = choice
    if names and rng.random() < 0.25:
        case.bind["parallel_tool_calls"] = rng.choice([True, False])


def generate(wire: str, number: int) -> Case:
    """Case `number` of `wire`: drawn from (SEED, wire, number), drawn again while it has
    a shape `KEPT_SHAPES` keeps out (its named cell holds it)."""
    rng = random.Random(f"{SEED}-{wire}-{number}")
    while True:
        case = Case(_history(rng))
        if rng.random() < 0.4:
            case.settings["temperature"] = rng.choice([0, 0.3, 1])
        if rng.random() < 0.4:
            case.settings["max_tokens"] = rng.choice([64, 256])
        if rng.random() < 0.3:
            case.call["stop"] = ["END"]
        _tools(rng, case)
        case.how = rng.choice(["invoke", "ainvoke", "stream"])
        if not kept_out(KEPT_SHAPES, case, wire):
            return case


# ---- one side's requests ------------------------------------------------------------------------


def _call(model: Any, case: Case) -> None:
    if case.how == "stream":
        for _ in model.stream(case.history, **case.call):
            pass
    elif case.how == "ainvoke":

        async def body() -> Any:
            return await model.ainvoke(case.history, **case.call)

        arun(body)
    else:
        model.invoke(case.history, **case.call)


#: What ChatBedrockConverse warns, in its partner's words, of a history with tool results
#: and no tools bound (the partner's own warnings are not compared).
_TEXT_TOOL_RESULTS = "Tool messages were passed without toolConfig"


def sent(case: Case) -> Callable[[Run], Any]:
    """A scenario: the bodies `case`'s call sent (random keys masked), or, when it raised
    before sending, the error's class and words."""

    def scenario(run: Run) -> Any:
        with requests_seen(run, json_body) as seen, warnings.catch_warnings():
            warnings.filterwarnings("ignore", _TEXT_TOOL_RESULTS, RuntimeWarning)
            try:
                model = run.make(max_retries=0, **case.settings)
                if case.tools is not None:
                    model = model.bind_tools([TOOLS[n] for n in case.tools], **case.bind)
                _call(model, case)
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                if not seen:
                    return {"raised": Raised.of(exc).kind, "words": str(exc)}
        return [masked(_one_spelling(body)) for body in seen]

    return scenario


# ---- the named cells: what the generator found ------------------------------------------------


def _asked(*history: messages.BaseMessage, **how: Any) -> Callable[[Run], Any]:
    """A named scenario: the bodies `history`'s invoke sent, with `how` (Case's fields)."""
    return sent(Case(list(history), **how))


def empty_tools_choice(run: Run) -> Any:
    """`bind_tools([], tool_choice=...)` with "auto", "none" and "any": each call's body
    (or what it raised)."""
    ask = messages.HumanMessage("Hi")
    return {
        choice: _asked(ask, tools=[], bind={"tool_choice": choice})(run)
        for choice in ("auto", "none", "any")
    }


#: The named scenarios: the smallest history showing each difference the generator found.
SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "empty_tools_choice": empty_tools_choice,
    "assistant_turns_in_a_row": _asked(
        messages.HumanMessage("Hi"),
        messages.AIMessage("One."),
        messages.AIMessage("Two."),
        messages.HumanMessage("Again"),
    ),
    "tool_result_cache_breakpoint": _asked(
        messages.HumanMessage("Look it up"),
        messages.AIMessage("", tool_calls=[_CALL]),
        messages.ToolMessage(
            [{"type": "text", "text": "42", "prompt_cache_breakpoint": {"type": "ephemeral"}}],
            tool_call_id=_CALL["id"],
        ),
    ),
    "assistant_text_blocks_joined": _asked(
        messages.HumanMessage("Hi"),
        messages.AIMessage([{"type": "text", "text": "One. "}, {"type": "text", "text": "Two."}]),
        messages.HumanMessage("Again"),
    ),
    "named_speaker": _asked(messages.HumanMessage("Hi", name="ada")),
    "empty_assistant_turn": _asked(
        messages.HumanMessage("Hi"), messages.AIMessage(""), messages.HumanMessage("Again")
    ),
    "image_beside_refused_keyword": _asked(
        messages.HumanMessage(
            [{"type": "text", "text": "See"}, {"type": "image", "url": IMAGE_URL}]
        ),
        tools=["lookup"],
        bind={"parallel_tool_calls": True},
    ),
    "image_by_url": lambda run: [
        _asked(messages.HumanMessage([{"type": "text", "text": "See"}, image]))(run)
        for image in (
            {"type": "image_url", "image_url": {"url": IMAGE_URL}},
            {"type": "image", "url": IMAGE_URL},
        )
    ],
}

#: Scenario -> the wires it runs on, where not every script wire: SambaNova's joined
#: text is a side wire's (test_side_wires.py); an image by URL is fetched over the
#: network by langchain-google-genai (never run offline: `KEPT_SHAPES` keeps it out).
ONLY: dict[str, tuple[str, ...]] = {
    "assistant_text_blocks_joined": (*SCRIPT_WIRES, "sambanova"),
    "image_by_url": tuple(w for w in SCRIPT_WIRES if w != "gemini"),
    # Where the partner refuses the keyword (Converse, Ollama) the image's error is first.
    "image_beside_refused_keyword": tuple(w for w in SCRIPT_WIRES if w != "gemini"),
    # Ollama's tool results differ by their `tool_name` (kept: tool_results).
    "tool_result_cache_breakpoint": tuple(w for w in SCRIPT_WIRES if w != "ollama"),
}


def _sent_bodies(outcome: Any) -> list[dict[str, Any]]:
    """Every request body in a named scenario's outcome."""
    if isinstance(outcome, list):
        return [b for o in outcome for b in _sent_bodies(o)]
    if isinstance(outcome, dict) and "raised" not in outcome:
        if any(k in outcome for k in ("messages", "contents", "model")):
            return [outcome]
        return [b for v in outcome.values() for b in _sent_bodies(v)]
    return []


def _sent_turns(outcome: Any) -> list[dict[str, Any]]:
    return [m for b in _sent_bodies(outcome) for m in b.get("messages") or b.get("contents") or ()]


GENERATED_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("empty_tools_choice", "openai"): Difference(
        "rejected by provider",
        "langchain-openai sends bind_tools([], tool_choice=...) as `tools: []` beside the "
        "choice, which OpenAI refuses (400 \"Invalid 'tools': empty array. Expected an "
        'array with minimum length 1"; see docs_review_schemas); chatplex sends neither',
        lambda theirs: any(b.get("tools") == [] for b in _sent_bodies(theirs)),
    ),
    ("empty_tools_choice", "anthropic"): Difference(
        "rejected by provider",
        "langchain-anthropic sends bind_tools([], tool_choice='none') beside `tools: []` as "
        "a choice of a tool named 'none' ({'type': 'tool', 'name': 'none'}), which is not "
        "among the tools offered: the API refuses the request (see choice_none); chatplex "
        "sends Anthropic's {'type': 'none'} (its 'auto' and 'any' as langchain-anthropic's)",
        lambda theirs: any(
            b.get("tool_choice") == {"type": "tool", "name": "none"}
            for b in _sent_bodies(theirs.get("none"))
        ),
    ),
    ("image_by_url", "ollama"): Difference(
        "raises",
        "langchain-ollama hands an `image_url` block's URL to the ollama SDK, which reads "
        "it as a local file path and raises PydanticSerializationError ('File https://... "
        "does not exist'; a URL that is a readable path would be read and sent); chatplex "
        "refuses it with a ValueError (PydanticSerializationError's base) saying Ollama "
        "takes base64 data, not URLs. Its `image` block by URL: langchain-ollama's words",
        lambda theirs: (
            "PydanticSerializationError" in str(theirs[0].get("raised"))
            and "does not exist" in str(theirs[0].get("words"))
        ),
    ),
    ("assistant_text_blocks_joined", "sambanova"): Difference(
        "loses data",
        'langchain-sambanova sends an assistant turn of text blocks as content "" (its '
        "text lost: the model never sees what it said); chatplex joins the blocks' text",
        lambda theirs: any(
            m.get("role") == "assistant" and not m.get("content") for m in _sent_turns(theirs)
        ),
    ),
    ("named_speaker", "groq"): Difference(
        "loses data",
        "langchain-groq sends a HumanMessage's `name` only from additional_kwargs: "
        "HumanMessage(name='ada') goes without it, though Groq's user message takes a "
        "`name` (the participant); chatplex sends it",
        lambda theirs: any(
            m.get("role") == "user" and "name" not in m for m in _sent_turns(theirs)
        ),
    ),
    ("empty_assistant_turn", "gemini"): Difference(
        "rejected by provider",
        'langchain-google-genai sends AIMessage("") as a model turn of one empty text '
        "part, which the Gemini API refuses (400: a part's `data` oneof must be set; an "
        "empty text is not); chatplex leaves the empty turn out",
        lambda theirs: any(
            t.get("role") == "model" and t.get("parts") == [{"text": ""}]
            for t in _sent_turns(theirs)
        ),
    ),
}


def _images_by_url(case: Case, wire: str) -> bool:
    return wire in ("gemini", "ollama") and any(
        isinstance(m.content, list) and IMAGE_URL in str(m.content) for m in case.history
    )


def _empty_tools(case: Case, wire: str) -> bool:
    return wire == "openai" and case.tools == []


def _named_user(case: Case, wire: str) -> bool:
    return wire == "groq" and any(
        isinstance(m, messages.HumanMessage) and m.name for m in case.history
    )


def _empty_ai_turn(case: Case, wire: str) -> bool:
    return wire == "gemini" and any(
        isinstance(m, messages.AIMessage) and m.content == "" and not m.tool_calls
        for m in case.history
    )


def _gemini_tools(case: Case, wire: str) -> bool:
    return wire == "gemini" and bool(case.tools)


def _ollama_tool_defaults(case: Case, wire: str) -> bool:
    return wire == "ollama" and bool({"BookTrip", "get_weather"} & set(case.tools or ()))


def _ollama_max_tokens(case: Case, wire: str) -> bool:
    return wire == "ollama" and "max_tokens" in case.settings


def _ollama_tool_results(case: Case, wire: str) -> bool:
    return wire == "ollama" and any(isinstance(m, messages.ToolMessage) for m in case.history)


def _required_as_a_name(case: Case, wire: str) -> bool:
    return wire in ("anthropic", "bedrock_converse") and case.bind.get("tool_choice") == "required"


def _none_as_a_name(case: Case, wire: str) -> bool:
    return wire in ("anthropic", "bedrock_converse") and case.bind.get("tool_choice") == "none"


#: Name -> a shape kept out of the generated cases, by the row holding it: this file's
#: named cells, and the kept differences other files hold (their scenario named).
KEPT_SHAPES: dict[str, Kept[Case]] = {
    "images_by_url": Kept("image_by_url", _images_by_url),
    "empty_tools": Kept("empty_tools_choice", _empty_tools),
    "named_user": Kept("named_speaker", _named_user),
    "empty_ai_turn": Kept("empty_assistant_turn", _empty_ai_turn),
    "gemini_tools": Kept("pydantic_tool", _gemini_tools),
    "ollama_tool_defaults": Kept("docs_tool_variants", _ollama_tool_defaults),
    "ollama_max_tokens": Kept("sampling_sent", _ollama_max_tokens),
    "ollama_tool_results": Kept("tool_results", _ollama_tool_results),
    "required_as_a_name": Kept("tool_choices", _required_as_a_name),
    "none_as_a_name": Kept("choice_none", _none_as_a_name),
}


NAMED = NamedFamily(SCENARIOS, SCRIPT_WIRES, ONLY, differences=GENERATED_DIFFERENCES)
test_named_request = NAMED.test()


test_generated_request = generated_test(SCRIPT_WIRES, CASES_PER_WIRE, generate, sent)


def test_every_row_names_a_cell_and_every_kept_shape_a_row() -> None:
    rows = {*DIFFERENCES, *GAPS, *GENERATED_DIFFERENCES, *DOCS_DIFFERENCES}
    NAMED.check_rows_and_kept(KEPT_SHAPES, rows)
