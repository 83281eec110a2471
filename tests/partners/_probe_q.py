"""Scripts the wires' probe_q modules share (tests/partners/<wire>/test_*_probe_q_scripts.py):
the schemas a script's tools and structured output send, of the complexity a LangChain
user writes them. Pydantic models with a nested model used twice (`$defs` and `$ref`),
`Optional` fields with and without a default, `Literal`s, an `Enum`, a list of models, a
`dict[str, int]`, `Field` descriptions and bounds, defaults, a union of two models and a
recursive tree; a TypedDict of `Annotated` fields; a JSON schema dict with `$defs`; an
OpenAI tool dict; `@tool` functions (a Google-style docstring parsed, an `Annotated`
argument, an `InjectedToolArg`). Each bound as a tool, and given to
`with_structured_output` by each method a wire's partner takes (`strict=True` where
taken), invoked with `include_raw=True` and awaited without; the scripted model answers
each with arguments that fit the schema, or, asked so, ones that do not. Each factory
takes a suite's constructor `make(cls, url, **settings)` and gives a `script(cls, url)`
that its suite runs with the partner's class and with chatplex's, as the probe_y set's
(`_probe_y.py`); `scripts` gives a wire's rows, each with what it warned of
(`_probe_z.heard`)."""

from __future__ import annotations

import copy
import enum
import json
import re
from collections.abc import Callable
from typing import Annotated
from typing import Any
from typing import Literal
from typing import Optional
from typing import Union

from langchain_core.tools import InjectedToolArg
from langchain_core.tools import tool
from pydantic import BaseModel
from pydantic import Field
from typing_extensions import TypedDict

from tests.partners._probe_y import LOOP
from tests.partners._probe_y import Make
from tests.partners._probe_y import Script
from tests.partners._probe_z import heard
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import attempted

# ruff: noqa: UP007, UP045 - `Optional[...]` and `Union[...]` as scripts write them


class Color(str, enum.Enum):  # noqa: UP042 - as scripts write it
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    """A postal address."""

    street: str = Field(description="Street and number.")
    city: str


class Pet(BaseModel):
    """A pet."""

    name: str = Field(max_length=20)
    kind: Literal["cat", "dog"]


class Person(BaseModel):
    """A person on file."""

    name: str = Field(description="Full name.", max_length=50)
    age: int = Field(description="Age in years.", ge=0, le=150)
    role: Literal["admin", "user"]
    color: Color
    home: Address
    work: Optional[Address] = None
    nickname: Optional[str]
    pets: list[Pet]
    scores: dict[str, int]
    tags: list[str] = Field(default_factory=list)
    active: bool = True


class Circle(BaseModel):
    kind: Literal["circle"]
    radius: float


class Square(BaseModel):
    kind: Literal["square"]
    side: float


class Drawing(BaseModel):
    """Shapes drawn."""

    shapes: list[Union[Circle, Square]]
    main: Union[Circle, Square] = Field(description="The largest shape.")


class Node(BaseModel):
    """A node of a tree."""

    label: str
    children: list[Node] = Field(default_factory=list)


class Order(TypedDict):
    """An order."""

    item: Annotated[str, ..., "The item's name."]
    quantity: Annotated[int, ..., "How many."]
    note: Annotated[Optional[str], None, "A note for the kitchen."]


#: A team as a JSON schema written by hand: a member's schema in `$defs`, used twice.
TEAM = {
    "title": "Team",
    "description": "A team.",
    "type": "object",
    "properties": {
        "lead": {"$ref": "#/$defs/Member"},
        "members": {"type": "array", "items": {"$ref": "#/$defs/Member"}},
    },
    "required": ["lead", "members"],
    "$defs": {
        "Member": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "Their name."},
                "level": {"type": "string", "enum": ["junior", "senior"]},
            },
            "required": ["name", "level"],
        }
    },
}

#: A tool as OpenAI's dict: an enum, a nested object, an array of objects.
FLIGHT = {
    "type": "function",
    "function": {
        "name": "book_flight",
        "description": "Book a flight.",
        "parameters": {
            "type": "object",
            "properties": {
                "origin": {"type": "string", "description": "IATA code."},
                "destination": {"type": "string"},
                "cabin": {"type": "string", "enum": ["economy", "business"]},
                "passengers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                        "required": ["name"],
                    },
                },
            },
            "required": ["origin", "destination", "passengers"],
        },
    },
}


@tool(parse_docstring=True)
def search_flights(
    origin: str,
    destination: str,
    max_stops: int = 1,
    cabin: Literal["economy", "business"] = "economy",
) -> str:
    """Search flights between two airports.

    Args:
        origin: IATA code of the departure airport.
        destination: IATA code of the arrival airport.
        max_stops: The most stops allowed.
        cabin: The cabin class.
    """
    return "none"


@tool
def convert(
    amount: Annotated[float, "The amount to convert."],
    currency: Annotated[str, "An ISO 4217 code."] = "EUR",
) -> str:
    """Convert money."""
    return str(amount)


@tool
def lookup(query: str, user_id: Annotated[str, InjectedToolArg]) -> str:
    """Look a record up."""
    return query


#: Each schema a script gives, by name (a fresh copy for each side: a partner may write
#: into a dict it is given).
SCHEMAS: dict[str, Callable[[], Any]] = {
    "Person": lambda: Person,
    "Drawing": lambda: Drawing,
    "Node": lambda: Node,
    "Order": lambda: Order,
    "Team": lambda: copy.deepcopy(TEAM),
}
TOOLS: dict[str, Callable[[], Any]] = {
    **SCHEMAS,
    "book_flight": lambda: copy.deepcopy(FLIGHT),
    "search_flights": lambda: search_flights,
    "convert": lambda: convert,
    "lookup": lambda: lookup,
}

#: The arguments the scripted model answers each schema's question with.
ARGS: dict[str, dict[str, Any]] = {
    "Person": {
        "name": "Ann Lee",
        "age": 41,
        "role": "admin",
        "color": "red",
        "home": {"street": "1 Main St", "city": "Oslo"},
        "work": {"street": "2 Dock Rd", "city": "Bergen"},
        "nickname": None,
        "pets": [{"name": "Rex", "kind": "dog"}],
        "scores": {"math": 9, "art": 7},
    },
    "Drawing": {
        "shapes": [{"kind": "circle", "radius": 1.5}, {"kind": "square", "side": 2}],
        "main": {"kind": "square", "side": 3},
    },
    "Node": {
        "label": "root",
        "children": [{"label": "a", "children": [{"label": "a1"}]}, {"label": "b"}],
    },
    "Order": {"item": "tea", "quantity": 2},
    "Team": {
        "lead": {"name": "Ann", "level": "senior"},
        "members": [{"name": "Bo", "level": "junior"}],
    },
    "book_flight": {
        "origin": "OSL",
        "destination": "LHR",
        "cabin": "economy",
        "passengers": [{"name": "Ann", "age": 41}],
    },
    "search_flights": {"origin": "OSL", "destination": "LHR", "max_stops": 0, "cabin": "business"},
    "convert": {"amount": 12.5, "currency": "USD"},
    "lookup": {"query": "ann"},
}

#: Arguments that do not fit the schema (a word outside its `Literal` and `Enum`, a bound
#: broken, a nested field missing, a count as text).
UNFIT: dict[str, dict[str, Any]] = {
    "Person": {
        "name": "Ann Lee",
        "age": -1,
        "role": "boss",
        "color": "green",
        "home": {"city": "Oslo"},
        "nickname": None,
        "pets": [],
        "scores": {"math": "high"},
    },
}

_MARK = re.compile(r"\[\[(\w+)\]\]")


def question(name: str, *, fit: bool = True) -> str:
    """A question marked for the scripted model: the schema it answers, and whether it
    answers unfit arguments."""
    return f"Fill in [[{name}]]." + ("" if fit else " [[UNFIT]]")


def asked(body: Any) -> dict[str, Any] | None:
    """The arguments a scripted model answers a request with: those of the schema its
    question marks, unfit where it is marked so; None where none is marked."""
    marks = _MARK.findall(json.dumps(body))
    names = [mark for mark in marks if mark != "UNFIT"]
    if not names:
        return None
    return copy.deepcopy((UNFIT if "UNFIT" in marks else ARGS)[names[-1]])


def function_names(body: dict[str, Any]) -> list[str]:
    """The tools a request in OpenAI's Chat Completions form offers (`{"type":
    "function", "function": {"name": ...}}`), by name: the `declared` of the wires that
    take that form."""
    return [(tool.get("function") or {}).get("name") for tool in body.get("tools") or []]


def tool_names(body: dict[str, Any]) -> list[str]:
    """The tools a request in Anthropic's Messages form offers (`{"name": ...,
    "input_schema": ...}`), by name: the `declared` of Anthropic's API and InvokeModel."""
    return [tool["name"] for tool in body.get("tools") or [] if "name" in tool]


def answering(
    call: Callable[[str, dict[str, Any]], Handler],
    text: Callable[[str], Handler],
    declared: Callable[[dict[str, Any]], list[str]],
    otherwise: Handler,
) -> Handler:
    """A wire's scripted model for these scripts: a call of the first tool the request
    `declared` with the marked arguments (`call`: the wire's reply of that call), those
    arguments as a JSON text where no tool is declared (`text`), and `otherwise` for a
    request no question marks."""

    def answer(seen: Seen) -> Reply:
        body = seen.body if isinstance(seen.body, dict) else {}
        args = asked(body)
        if args is None:
            return otherwise(seen)
        names = declared(body)
        return call(names[0], args)(seen) if names else text(json.dumps(args))(seen)

    return answer


def tool_bound(make: Make, name: str, **binding: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """The tool `name` bound (given `binding`), invoked on its question: the reply,
        or the class of what refused it."""
        model, tools = make(cls, url), [TOOLS[name]()]
        return attempted(lambda: model.bind_tools(tools, **binding).invoke(question(name)))

    return script


def _parsed(value: Any) -> Any:
    """A structured output as plain data: a model as its class and JSON fields."""
    if isinstance(value, BaseModel):
        return {"model": type(value).__name__, **value.model_dump(mode="json")}
    return value


def _with_raw(value: dict[str, Any]) -> dict[str, Any]:
    error = value["parsing_error"]
    return {
        "raw": value["raw"],
        "parsed": _parsed(value["parsed"]),
        "parsing_error": type(error).__name__ if error is not None else None,
    }


def structured(
    make: Make,
    name: str,
    method: str,
    *,
    fit: bool = True,
    asynchronous: bool = True,
    **options: Any,
) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_structured_output` of the schema `name` by `method` (given `options`),
        answered with arguments that fit it (or not, unless `fit`): invoked with
        `include_raw=True` (the raw reply, what was parsed, the parsing error's class),
        and awaited without (where `asynchronous`; else invoked): what was parsed, or
        the class of what refused it."""
        model = make(cls, url)

        def bound(include_raw: bool) -> Any:
            schema = SCHEMAS[name]()
            return model.with_structured_output(
                schema, method=method, include_raw=include_raw, **options
            )

        asking = question(name, fit=fit)

        def alone() -> Any:
            runnable = bound(False)
            if asynchronous:
                return _parsed(LOOP.run_until_complete(runnable.ainvoke(asking)))
            return _parsed(runnable.invoke(asking))

        return {
            "include_raw": attempted(lambda: _with_raw(bound(True).invoke(asking))),
            "parsed": attempted(alone),
        }

    return script


def refused_unsent(error: str) -> Callable[[Outcome], Outcome]:
    """A kept RAISES row's normaliser for `structured`: their schema refused (`error`, a
    class name) each time, before any request; ours sent both requests (what it read of
    the replies is the suite's other rows' to compare). Then ours is read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        refused = {"refused": error}
        assert theirs == {"include_raw": refused, "parsed": refused}, theirs
        assert not their_requests and len(our_requests) == 2, (their_requests, our_requests)
        assert "refused" not in ours["include_raw"], ours
        return theirs, theirs, their_requests, their_requests

    return normalise


def answered_scripts(
    answer: Handler,
    make: Make,
    methods: tuple[str, ...],
    *,
    strict: tuple[str, ...] = (),
    strict_tools: bool = False,
    asynchronous: bool = True,
) -> dict[str, tuple[Handler, Script]]:
    """`scripts`' rows as a suite runs them: each script with the server's `answer`."""
    rows = scripts(
        make, methods, strict=strict, strict_tools=strict_tools, asynchronous=asynchronous
    )
    return {name: (answer, script) for name, script in rows.items()}


def scripts(
    make: Make,
    methods: tuple[str, ...],
    *,
    strict: tuple[str, ...] = (),
    strict_tools: bool = False,
    asynchronous: bool = True,
) -> dict[str, Script]:
    """The set's scripts (each `heard`) for a wire over its constructor `make`: each tool
    bound; each schema by each of `methods`, and Person's unfit arguments; `strict=True`
    by each method of `strict`; the tools bound with `strict=True` where
    `strict_tools`; an async call only where `asynchronous`."""
    rows: dict[str, Script] = {f"tool_{name}": tool_bound(make, name) for name in TOOLS}
    for method in methods:
        for name in SCHEMAS:
            rows[f"{method}_{name}"] = structured(make, name, method, asynchronous=asynchronous)
        rows[f"{method}_unfit"] = structured(
            make, "Person", method, fit=False, asynchronous=asynchronous
        )
    for method in strict:
        for name in ("Person", "Node"):
            rows[f"{method}_strict_{name}"] = structured(
                make, name, method, strict=True, asynchronous=asynchronous
            )
    if strict_tools:
        for name in ("Person", "book_flight", "search_flights"):
            rows[f"tool_strict_{name}"] = tool_bound(make, name, strict=True)
    return {name: heard(script) for name, script in rows.items()}
