"""Generated tool definitions (issue 47): the tools a LangChain script binds, drawn seeded
and deterministic on the wires a script most often imports, bound by the same
`bind_tools` call on the partner package's class and on chatplex's, compared: the request
body each side sends (the tool declarations and the choice exactly, `_kit.py`'s mask on
the keys drawn per call) and the tool calls each side parses from the scripted server's
forced call (`chatplex/testing/script.py`: `obey_tool_choice` answers a forced choice
with example arguments), or, where a side raises, the error's class and words.

test_generated_requests.py draws conversations over four fixed tools; this file draws the
tools: `@tool` functions (Google-style docstrings parsed with `parse_docstring=True`, a
reST docstring kept whole, annotated types, defaults, Optional, Union, list[dict], Enum
and Literal, an `args_schema` of nested pydantic models, `InjectedToolArg` and LangGraph's
`InjectedState` left out of the declaration, `return_direct`,
`response_format="content_and_artifact"`), `StructuredTool.from_function`, plain
functions, pydantic classes, TypedDicts, OpenAI-function dicts and Anthropic-style tool
dicts, bound with each tool choice (a bound name, "auto", "any", "required") and, where
the partner takes it, `strict=`; sent by invoke, ainvoke or stream.

What the generator found, each minimised to a named scenario, is a cell of `SCENARIOS`
below: the same, or a row of this file's tables. A kept difference of the declarations
other files hold (Gemini's OpenAPI subset, Ollama's dropped defaults) is compared through
a named view (`KEPT_VIEWS`), the rest of the body and the calls as they are.
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
from langchain_core.tools import InjectedToolArg
from langchain_core.tools import StructuredTool
from langchain_core.tools import tool
from langgraph.prebuilt import InjectedState
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
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_tools")

#: The seed every case is drawn from (with its wire and number), and how many per wire.
SEED = 4
CASES_PER_WIRE = 12


# ---- the tools a case may bind -------------------------------------------------------------


class Unit(enum.Enum):
    """A unit of temperature."""

    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


@tool(parse_docstring=True)
def search_flights(
    origin: str,
    destination: str,
    passengers: int = 1,
    cabin: Literal["economy", "business"] = "economy",
    max_price: float | None = None,
) -> str:
    """Search flights between two airports.

    Args:
        origin: IATA code of the departure airport.
        destination: IATA code of the arrival airport.
        passengers: How many travel.
        cabin: The cabin class.
        max_price: The highest fare, in euros.
    """
    return f"3 flights {origin}-{destination}"


@tool
def convert_units(value: float, unit: Unit = Unit.CELSIUS) -> str:
    """Convert a temperature.

    :param value: The temperature.
    :param unit: The unit to convert to.
    :returns: The converted temperature.
    """
    return str(value)


@tool(parse_docstring=True)
def add_rows(rows: list[dict[str, Any]], table: str | int) -> str:
    """Add rows to a table.

    Args:
        rows: The rows, one object each.
        table: The table's name or number.
    """
    return f"{len(rows)} rows"


class Coordinates(BaseModel):
    """A point on the map."""

    lat: float = Field(description="Latitude", ge=-90, le=90)
    lon: float = Field(description="Longitude")


class RouteInput(BaseModel):
    """The route to plan."""

    start: Coordinates
    stops: list[Coordinates] = Field(default_factory=list, description="Where to stop")
    mode: Literal["car", "bike", "foot"] = "car"


@tool("plan_route", args_schema=RouteInput)
def plan_route(start: Coordinates, stops: list[Coordinates], mode: str = "car") -> str:
    """Plan a route through some points."""
    return "12 km"


@tool
def user_orders(
    status: Literal["open", "shipped"],
    user_id: Annotated[str, InjectedToolArg],
    state: Annotated[dict[str, Any], InjectedState],
) -> str:
    """List the user's orders with a status."""
    return "none"


@tool(return_direct=True)
def final_answer(answer: str) -> str:
    """Give the final answer to the user."""
    return answer


@tool(response_format="content_and_artifact")
def fetch_rows(query: str, limit: int = 10) -> tuple[str, list[int]]:
    """Run a query and return its rows."""
    return "2 rows", [1, 2]


def _multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


multiply = StructuredTool.from_function(
    _multiply, name="multiply", description="Multiply two integers."
)


def send_email(to: list[str], subject: str, body: str | None = None, urgent: bool = False) -> str:
    """Send an email.

    Args:
        to: The recipients.
        subject: The subject line.
        body: The text.
        urgent: Whether to flag it.
    """
    return "sent"


class CreateTicket(BaseModel):
    """Open a support ticket."""

    title: str = Field(description="One line")
    priority: Literal["low", "high"] = "low"
    tags: list[str] | None = None


class Rate(TypedDict):
    """Rate a product."""

    product: Annotated[str, ..., "The product's name"]
    stars: Annotated[int, ..., "From 1 to 5"]


@tool(extras={"cache_control": {"type": "ephemeral"}, "defer_loading": True})
def read_manual(section: str) -> str:
    """Read a section of the manual (loaded when first needed)."""
    return "..."


lookup_country = StructuredTool.from_function(
    lambda code: code,
    name="lookup_country",
    description="A country by its code.",
    args_schema={
        "type": "object",
        "properties": {"code": {"type": "string", "minLength": 2, "maxLength": 2}},
        "required": ["code"],
    },
)


GET_STOCK = {
    "type": "function",
    "function": {
        "name": "get_stock",
        "description": "The stock of an item.",
        "parameters": {
            "type": "object",
            "properties": {
                "sku": {"type": "string", "description": "The item's code"},
                "warehouses": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["sku"],
        },
    },
}

TRANSLATE = {
    "name": "translate",
    "description": "Translate a text.",
    "input_schema": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "target": {"type": "string", "enum": ["fr", "de"]},
        },
        "required": ["text", "target"],
    },
}

#: The tools a case binds some of, by the name a forced choice gives.
TOOLS: dict[str, Any] = {
    "search_flights": search_flights,
    "convert_units": convert_units,
    "add_rows": add_rows,
    "plan_route": plan_route,
    "user_orders": user_orders,
    "final_answer": final_answer,
    "fetch_rows": fetch_rows,
    "multiply": multiply,
    "send_email": send_email,
    "CreateTicket": CreateTicket,
    "Rate": Rate,
    "read_manual": read_manual,
    "lookup_country": lookup_country,
    "get_stock": GET_STOCK,
    "translate": TRANSLATE,
}

#: The wires whose partner's bind_tools takes `strict=`.
STRICT_WIRES = ("openai", "anthropic", "bedrock_converse")


# ---- a case ----------------------------------------------------------------------------------


@dataclass
class Case:
    """One generated call: the tools bound, `bind_tools`' keywords, and how it is made."""

    tools: list[str]
    bind: dict[str, Any] = field(default_factory=dict)
    how: str = "invoke"

    def __str__(self) -> str:
        return f"tools={self.tools} bind={self.bind} how={self.how}"


def generate(wire: str, number: int) -> Case:
    """Case `number` of `wire`: drawn from (SEED, wire, number), drawn again while it has
    a shape `KEPT_SHAPES` keeps out (its named cell holds it)."""
    rng = random.Random(f"{SEED}-{wire}-{number}")
    while True:
        names = rng.sample(sorted(TOOLS), rng.randint(1, 3))
        case = Case(names)
        choice: Any = rng.choice([None, "auto", "any", "required", True, *names, *names])
        if rng.random() < 0.15:  # the OpenAI form of a forced tool
            choice = {"type": "function", "function": {"name": names[0]}}
        if choice is not None:
            case.bind["tool_choice"] = choice
        if rng.random() < (0.3 if wire in STRICT_WIRES else 0.1):
            case.bind["strict"] = rng.choice([True, False])
        case.how = rng.choice(["invoke", "ainvoke", "stream"])
        if not kept_out(KEPT_SHAPES, case, wire):
            return case


# ---- one side's outcome --------------------------------------------------------------------


_ASK = [messages.HumanMessage("Do it, please.")]


def _reply(model: Any, how: str) -> Any:
    if how == "stream":
        whole = None
        for piece in model.stream(_ASK):
            whole = piece if whole is None else whole + piece
        return whole
    if how == "ainvoke":

        async def body() -> Any:
            return await model.ainvoke(_ASK)

        return arun(body)
    return model.invoke(_ASK)


def _calls(reply: Any) -> list[dict[str, Any]]:
    """The tool calls parsed (ids masked), and any that did not parse."""
    parsed = [masked(dict(c)) for c in reply.tool_calls]
    broken = [masked(dict(c)) for c in getattr(reply, "invalid_tool_calls", ())]
    return [*parsed, *({"invalid": c} for c in broken)]


def sent(case: Case) -> Callable[[Run], Any]:
    """A scenario: the bodies `case`'s call sent (random keys masked, seen through the
    wire's `KEPT_VIEWS` view) and the tool calls parsed from the reply; or, when it
    raised, the error's class and words (and what it sent before)."""

    def scenario(run: Run) -> Any:
        view = _view(run.wire.name)
        with requests_seen(run, json_body) as seen, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                model = run.make(max_retries=0)
                bound = model.bind_tools([TOOLS[n] for n in case.tools], **case.bind)
                reply = _reply(bound, case.how)
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                return {
                    "raised": Raised.of(exc).kind,
                    "words": str(exc),
                    "sent": [masked(_one_spelling(b)) for b in seen],
                }
        bodies = [masked(_one_spelling(body)) for body in seen]
        return {"sent": [view(b) if view else b for b in bodies], "calls": _calls(reply)}

    return scenario


# ---- the named cells: what the generator found ------------------------------------------------


def _bound(*tools: str, **bind: Any) -> Any:
    return sent(Case(list(tools), bind))


#: The named scenarios: the smallest binding showing each difference the generator found.
SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "tool_choice_true_one": _bound("multiply", tool_choice=True),
    "tool_choice_true_several": _bound("multiply", "get_stock", tool_choice=True),
    "tool_choice_openai_form": _bound(
        "multiply", tool_choice={"type": "function", "function": {"name": "multiply"}}
    ),
    "tool_extras_passed": _bound("read_manual", tool_choice="read_manual"),
    "tool_strict_false": _bound("multiply", tool_choice="multiply", strict=False),
    "tool_strict_defaults": _bound("search_flights", tool_choice="search_flights", strict=True),
    "anthropic_dict_strict": _bound("translate", tool_choice="translate", strict=True),
}

#: Scenario -> the wires it runs on, where not every script wire.
ONLY: dict[str, tuple[str, ...]] = {}


def _raised(kind: str, words: str) -> Callable[[Any], bool]:
    """A check that LangChain's side raised `kind` saying `words`, sending nothing."""
    return lambda theirs: (
        (kind in str(theirs.get("raised")) and words in str(theirs.get("words")))
        and not theirs.get("sent")
    )


def _sent_choice(choice: Any) -> Callable[[Any], bool]:
    """A check that LangChain's side sent `tool_choice` as `choice`."""
    return lambda theirs: any(b.get("tool_choice") == choice for b in theirs.get("sent", ()))


def _strict_at_top(theirs: Any) -> bool:
    return any("strict" in b for b in theirs.get("sent", ()))


_MULTIPLY_OPENAI_FORM = {"type": "function", "function": {"name": "multiply"}}

GENERATED_TOOL_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        (scenario, "anthropic"): Difference(
            "raises",
            "langchain-anthropic refuses bind_tools(tool_choice=True) at the call "
            "(ValueError \"Unrecognized 'tool_choice' type tool_choice=True\"), though "
            "LangChain's BaseChatModel.bind_tools takes a bool; chatplex sends it as "
            "langchain-openai reads True, a call of any tool ({'type': 'any'})",
            _raised("ValueError", "Unrecognized 'tool_choice' type"),
        )
        for scenario in ("tool_choice_true_one", "tool_choice_true_several")
    },
    **{
        (scenario, "bedrock_converse"): Difference(
            "raises",
            "langchain-aws sends bind_tools(tool_choice=True) as toolChoice "
            "{'tool': {'name': True}}, which boto3 refuses before sending "
            "(ParamValidationError: 'Invalid type for parameter "
            "toolConfig.toolChoice.tool.name'); chatplex sends a call of any tool "
            "({'any': {}})",
            _raised("ParamValidationError", "toolConfig.toolChoice.tool.name"),
        )
        for scenario in ("tool_choice_true_one", "tool_choice_true_several")
    },
    ("tool_choice_true_several", "groq"): Difference(
        "raises",
        "langchain-groq refuses bind_tools(tool_choice=True) beside more than one tool "
        "(ValueError 'tool_choice can only be True when there is one tool'); chatplex "
        "sends 'required', as langchain-openai reads True",
        _raised("ValueError", "can only be True when there is one tool"),
    ),
    **{
        (scenario, "mistralai"): Difference(
            "rejected by provider",
            "langchain-mistralai sends bind_tools(tool_choice=True) as `tool_choice: true`, "
            "which Mistral's API refuses (422: tool_choice is 'auto', 'none', 'any', "
            "'required' or a function object; the scripted server, as the API, forces "
            "no call for it); chatplex sends 'required'",
            _sent_choice(True),
        )
        for scenario in ("tool_choice_true_one", "tool_choice_true_several")
    },
    ("tool_choice_openai_form", "anthropic"): Difference(
        "rejected by provider",
        "langchain-anthropic sends an OpenAI-form choice ({'type': 'function', "
        "'function': {'name': ...}}) as given, which Anthropic's API refuses (400: "
        "tool_choice's type is 'auto', 'any', 'tool' or 'none'); chatplex sends "
        "Anthropic's {'type': 'tool', 'name': ...}",
        _sent_choice(_MULTIPLY_OPENAI_FORM),
    ),
    ("tool_choice_openai_form", "gemini"): Difference(
        "raises",
        "langchain-google-genai refuses an OpenAI-form choice ({'type': 'function', "
        "'function': {'name': ...}}) at the call (ValueError 'Unrecognized tool choice "
        "format'); chatplex forces the named function (mode ANY, allowedFunctionNames)",
        _raised("ValueError", "Unrecognized tool choice format"),
    ),
    ("tool_choice_openai_form", "bedrock_converse"): Difference(
        "raises",
        "langchain-aws refuses an OpenAI-form choice ({'type': 'function', 'function': "
        "{'name': ...}}) at bind_tools (ValueError '... does not currently support "
        "tool_choice of type type'); chatplex forces the named tool ({'tool': {'name': "
        "...}})",
        _raised("ValueError", "does not currently support tool_choice"),
    ),
    **{
        (scenario, "mistralai"): Difference(
            "rejected by provider",
            "langchain-mistralai passes bind_tools(strict=...) to the request as a "
            "top-level `strict` (True or False), which Mistral's API refuses (422 "
            "extra_forbidden; see strict_tools); chatplex marks each tool with it",
            _strict_at_top,
        )
        for scenario in ("tool_strict_false", "tool_strict_defaults", "anthropic_dict_strict")
    },
}


def _required_as_a_name(case: Case, wire: str) -> bool:
    return wire in ("anthropic", "bedrock_converse") and case.bind.get("tool_choice") == "required"


def _stream_on_split_ids(case: Case, wire: str) -> bool:
    return wire == "mistralai" and case.how == "stream"


def _true_choice(case: Case, wire: str) -> bool:
    rows = ("anthropic", "bedrock_converse", "mistralai")
    several_on_groq = wire == "groq" and len(case.tools) > 1
    return (wire in rows or several_on_groq) and case.bind.get("tool_choice") is True


def _openai_form_choice(case: Case, wire: str) -> bool:
    rows = ("anthropic", "gemini", "bedrock_converse")
    return wire in rows and isinstance(case.bind.get("tool_choice"), dict)


def _strict_on_mistral(case: Case, wire: str) -> bool:
    return wire == "mistralai" and "strict" in case.bind


#: Name -> a shape kept out of the generated cases, by the row holding it: this file's
#: named cells, and the kept differences other files hold (their scenario named).
KEPT_SHAPES: dict[str, Kept[Case]] = {
    "true_choice": Kept("tool_choice_true_one", _true_choice),
    "openai_form_choice": Kept("tool_choice_openai_form", _openai_form_choice),
    "strict_on_mistral": Kept("tool_strict_false", _strict_on_mistral),
    "required_as_a_name": Kept("tool_choices", _required_as_a_name),
    # langchain-mistralai gives each streamed tool-call piece a new random id
    "stream_on_split_ids": Kept("stream_events_tools", _stream_on_split_ids),
}


def _declared_names(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with each declared function shown by its name and description only."""
    out = dict(body)
    if isinstance(out.get("tools"), list):
        out["tools"] = [_named(t) for t in out["tools"]]
    return out


def _named(declaration: Any) -> Any:
    if not isinstance(declaration, dict):
        return declaration
    if "functionDeclarations" in declaration:
        return {
            "functionDeclarations": [
                {"name": f.get("name"), "description": f.get("description")}
                for f in declaration["functionDeclarations"]
            ]
        }
    function = declaration.get("function")
    if isinstance(function, dict):
        keep = {"name": function.get("name"), "description": function.get("description")}
        return {**declaration, "function": keep}
    return declaration


@dataclass(frozen=True)
class KeptView:
    """Where a wire's declarations differ by a kept row of another file (`scenario` on
    `wire`), what of the body is compared: the declarations' names and descriptions."""

    scenario: str
    wire: str
    view: Callable[[dict[str, Any]], Any] = _declared_names


#: Name -> a view of the body where another file's row keeps the declarations' shape.
KEPT_VIEWS: dict[str, KeptView] = {
    # Gemini: the OpenAPI subset langchain-google-genai declares, its defaults dropped
    "gemini_openapi_declarations": KeptView("pydantic_tool", "gemini"),
    # Ollama: the defaults (and nested models' properties) langchain-ollama drops
    "ollama_dropped_defaults": KeptView("pydantic_tool", "ollama"),
}


def _view(wire: str) -> Callable[[dict[str, Any]], Any] | None:
    return next((k.view for k in KEPT_VIEWS.values() if k.wire == wire), None)


NAMED = NamedFamily(SCENARIOS, SCRIPT_WIRES, ONLY, differences=GENERATED_TOOL_DIFFERENCES)
test_named_tools = NAMED.test()


test_generated_tools = generated_test(SCRIPT_WIRES, CASES_PER_WIRE, generate, sent, "tools")


def test_every_row_names_a_cell_and_every_kept_shape_a_row() -> None:
    rows = {*DIFFERENCES, *GAPS, *GENERATED_TOOL_DIFFERENCES}
    NAMED.check_rows_and_kept(KEPT_SHAPES, rows)
    for name, view in KEPT_VIEWS.items():
        assert (view.scenario, view.wire) in rows, f"{name}: no row for {view.scenario}"
