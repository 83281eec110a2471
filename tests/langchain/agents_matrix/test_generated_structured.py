"""Generated structured output (issue 47): the schemas a script hands to
`with_structured_output`, seeded and deterministic, on the wires a script most often
imports: the partner package's class and chatplex's, by the same constructor call,
compared by the request body each side sends (`_kit.py`'s mask) and what the call gives
back for the scripted server's reply (example JSON for a schema, a forced tool call with
example arguments: `chatplex/testing/script.py`), or, where a side raises, the error's
class and words.

A case draws a schema (a pydantic model with a docstring, nested models, `Optional`
fields defaulting to None, a `Literal`, an `Enum`, a list of models, a `dict[str, int]`,
`Field(description=...)`, an alias; a TypedDict with `Annotated[..., default, "desc"]`
fields; a JSON-schema dict; an OpenAI-function dict), a `method` among those the wire's
partner takes (`METHODS`), `include_raw`, `strict` where the partner takes it, and how
the call is made: invoke, ainvoke, stream (every piece) or astream.

What the generator found is a named scenario of `SCENARIOS` (the smallest schema and
call showing it), judged as every matrix cell (this file's
`GENERATED_DIFFERENCES`); the generator keeps that shape out only by the predicate
named beside its row (`KEPT_SHAPES`).
"""

from __future__ import annotations

import enum
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Annotated
from typing import Any
from typing import Literal
from typing import TypedDict

import pytest
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
from ._kit import settled
from .test_content_scripts import _one_spelling
from .test_docs_scripts import DOCS_DIFFERENCES
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_structured")

#: The seed every case is drawn from (with its wire and number), and how many per wire.
SEED = 59
CASES_PER_WIRE = 10


# ---- the schemas a case may ask for ---------------------------------------------------------


class Weather(BaseModel):
    """The weather in a city."""

    city: str
    degrees: int


class Stop(BaseModel):
    """A stop on the way."""

    name: str = Field(description="The town's name")
    nights: int | None = None


class Cabin(enum.Enum):
    """A cabin class."""

    ECONOMY = "economy"
    BUSINESS = "business"


class Itinerary(BaseModel):
    """An itinerary for a trip."""

    destination: Weather
    stops: list[Stop] = Field(description="Where the trip stops")
    cabin: Cabin
    pace: Literal["slow", "fast"] = "slow"
    budget: dict[str, int] | None = None
    note: str | None = None


class Aliased(BaseModel):
    """A person, with an aliased field."""

    full_name: str = Field(alias="fullName", description="First and last name")
    age: int


class Rating(TypedDict):
    """Rate a film."""

    title: Annotated[str, ..., "The film's title"]
    stars: Annotated[int, ..., "From one to five"]
    review: Annotated[str | None, None, "A short review"]


class Track(TypedDict):
    """A track on an album."""

    name: str
    seconds: int


class Album(TypedDict):
    """An album and its tracks."""

    title: Annotated[str, ..., "The album's title"]
    tracks: Annotated[list[Track], ..., "Its tracks, in order"]
    year: Annotated[int | None, None, "When it came out"]


class Tagged(BaseModel):
    """A tagged note."""

    text: str
    cabins: list[Cabin] = Field(default_factory=list)
    stop: Stop | None = None
    code: int | str = Field(description="A number or a code")


RATING_SCHEMA: dict[str, Any] = {
    "title": "rating",
    "description": "Rate a film.",
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "The film's title"},
        "stars": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "stars"],
}

RATING_FUNCTION: dict[str, Any] = {
    "name": "rate_film",
    "description": "Rate a film.",
    "parameters": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "stars": {"type": "integer"},
        },
        "required": ["title", "stars"],
    },
}

#: The schemas a case asks for, by name.
SCHEMAS: dict[str, Any] = {
    "Weather": Weather,
    "Itinerary": Itinerary,
    "Aliased": Aliased,
    "Rating": Rating,
    "Album": Album,
    "Tagged": Tagged,
    "rating_schema": RATING_SCHEMA,
    "rating_function": RATING_FUNCTION,
}

#: The methods each wire's partner takes (its `with_structured_output` signature).
METHODS: dict[str, tuple[str | None, ...]] = {
    "openai": (None, "function_calling", "json_schema", "json_mode"),
    "anthropic": (None, "function_calling", "json_schema"),
    "gemini": (None, "function_calling", "json_schema", "json_mode"),
    "bedrock_converse": (None, "function_calling", "json_schema"),
    "ollama": (None, "function_calling", "json_schema", "json_mode"),
    "groq": (None, "function_calling", "json_schema", "json_mode"),
    "mistralai": (None, "function_calling", "json_schema", "json_mode"),
}

#: The wires whose partner takes `strict=`.
STRICT_WIRES = ("openai", "groq", "bedrock_converse")

ASK = "Rate the film Alien for me, and plan the trip."


# ---- a case ----------------------------------------------------------------------------------


@dataclass
class Case:
    """One generated structured call: the schema's name, the keywords of
    `with_structured_output` and how it is called."""

    schema: str
    keywords: dict[str, Any] = field(default_factory=dict)
    how: str = "invoke"

    def __str__(self) -> str:
        return f"schema={self.schema} keywords={self.keywords} how={self.how}"


def generate(wire: str, number: int) -> Case:
    """Case `number` of `wire`: drawn from (SEED, wire, number), drawn again while it has
    a shape `KEPT_SHAPES` keeps out (its named cell holds it)."""
    rng = random.Random(f"{SEED}-{wire}-{number}")
    while True:
        case = Case(rng.choice(sorted(SCHEMAS)))
        method = rng.choice(METHODS[wire])
        if method is not None:
            case.keywords["method"] = method
        if rng.random() < 0.5:
            case.keywords["include_raw"] = rng.choice([True, False])
        if wire in STRICT_WIRES and rng.random() < 0.3:
            case.keywords["strict"] = True
        case.how = rng.choice(["invoke", "ainvoke", "stream", "astream"])
        if not kept_out(KEPT_SHAPES, case, wire):
            return case


# ---- one side's outcome -----------------------------------------------------------------------


def _call(model: Any, how: str) -> Any:
    if how == "stream":
        return settled(list(model.stream(ASK)))
    if how == "astream":

        async def pieces() -> Any:
            return [piece async for piece in model.astream(ASK)]

        return settled(arun(pieces))
    if how == "ainvoke":

        async def body() -> Any:
            return await model.ainvoke(ASK)

        return arun(body)
    return model.invoke(ASK)


def asked(case: Case) -> Callable[[Run], Any]:
    """A scenario: the bodies `case`'s call sent (random keys masked) and what it gave,
    or what it raised (class and words)."""

    def scenario(run: Run) -> Any:
        with requests_seen(run, json_body) as seen:
            try:
                model = run.make(max_retries=0)
                structured = model.with_structured_output(SCHEMAS[case.schema], **case.keywords)
                result: Any = _call(structured, case.how)
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                result = {"raised": Raised.of(exc).kind, "words": str(exc)}
        return {"sent": [masked(_one_spelling(body)) for body in seen], "gave": result}

    return scenario


# ---- the named cells: what the generator found ------------------------------------------------


def _asked(schema: str, how: str = "invoke", **keywords: Any) -> Callable[[Run], Any]:
    """A named scenario: what `schema`'s structured call by `keywords` sent and gave."""
    return asked(Case(schema, keywords, how))


def _gave(outcome: Any) -> Any:
    return outcome.get("gave") if isinstance(outcome, dict) else None


def _schemas_sent(outcome: Any) -> list[Any]:
    """The response schemas each body of `outcome` asked for (as sent: dict or text)."""
    bodies = outcome.get("sent", []) if isinstance(outcome, dict) else []
    out = []
    for body in bodies:
        config = body.get("generationConfig") or {}
        text_format = (body.get("outputConfig") or {}).get("textFormat") or {}
        structure = (text_format.get("structure") or {}).get("jsonSchema") or {}
        out += [config.get("responseJsonSchema"), structure.get("schema"), body.get("format")]
    return [s for s in out if s is not None]


def _function_dict_as_schema(outcome: Any) -> bool:
    """`outcome` sent the OpenAI-function dict itself as the response schema (Converse's
    as JSON text) and gave `{}`: its `parameters` constrained nothing."""
    sent = [json.loads(s) if isinstance(s, str) else s for s in _schemas_sent(outcome)]
    as_given = any(schema == RATING_FUNCTION for schema in sent)
    return as_given and _gave(outcome) == {}


#: The named scenarios: the smallest schema and call showing each difference found.
SCENARIOS: dict[str, Callable[[Run], Any]] = {
    # strict= beside JSON mode: the ValueError in langchain-openai's words.
    "gen_strict_json_mode": _asked("Weather", method="json_mode", strict=True),
    # An OpenAI-function dict asked for by its JSON schema.
    "gen_function_dict_by_json_schema": _asked("rating_function", method="json_schema"),
    # A JSON-schema dict with a title and description, by json_schema, streamed.
    "gen_titled_dict_by_json_schema": _asked("rating_schema", "stream", method="json_schema"),
    # A TypedDict by json_schema.
    "gen_typeddict_by_json_schema": _asked("Rating", method="json_schema"),
    # An Optional nested model (an `anyOf` of a model and null) by json_schema.
    "gen_optional_model_by_json_schema": _asked("Tagged", method="json_schema"),
    # strict=True by json_schema on a model the partner does not call strict.
    "gen_strict_json_schema": _asked("Weather", method="json_schema", strict=True),
}

#: Scenario -> the wires it runs on, where not every script wire: strict= where the
#: partner takes it (with JSON mode: where it has one).
ONLY: dict[str, tuple[str, ...]] = {
    "gen_strict_json_mode": ("openai", "groq"),
    "gen_strict_json_schema": STRICT_WIRES,
}


def _function_dict_as_schema_row(partner: str, where: str) -> Difference:
    """The kept difference of an OpenAI-function dict by json_schema on a wire whose
    `partner` sends the dict itself as the response schema (at `where` in its body)."""
    return Difference(
        "loses data",
        f"{partner} sends an OpenAI-function dict by method='json_schema' as {where} as it "
        "is ({name, description, parameters}: a schema with no `type`, its `parameters` "
        "never enforced), and gives what comes back unchecked (the scripted server's "
        "answer to it, `{}`); chatplex sends the `parameters` as the schema and gives "
        "the object",
        _function_dict_as_schema,
    )


GENERATED_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("gen_function_dict_by_json_schema", "gemini"): _function_dict_as_schema_row(
        "langchain-google-genai", "`generationConfig.responseJsonSchema`"
    ),
    ("gen_function_dict_by_json_schema", "bedrock_converse"): _function_dict_as_schema_row(
        "langchain-aws's ChatBedrockConverse", "`outputConfig`'s `jsonSchema.schema`"
    ),
    ("gen_function_dict_by_json_schema", "ollama"): _function_dict_as_schema_row(
        "langchain-ollama", "Ollama's `format`"
    ),
    ("gen_typeddict_by_json_schema", "bedrock_converse"): Difference(
        "raises",
        "ValueError: langchain-aws's ChatBedrockConverse takes only a pydantic class or a "
        "dict by method='json_schema' ('Unsupported schema type: <class "
        "'typing._TypedDictMeta'>'), before sending; chatplex sends the TypedDict's "
        "schema and returns the dict",
        lambda theirs: "Unsupported schema type" in str((_gave(theirs) or {}).get("words")),
    ),
}


def _method(case: Case) -> str | None:
    return case.keywords.get("method")


#: The methods by which each wire's partner sends a dict as the response schema as given.
_SCHEMA_AS_GIVEN = {
    "gemini": (None, "json_schema", "json_mode"),
    "ollama": (None, "json_schema"),
    "bedrock_converse": ("json_schema",),
}


def _function_dict_by_schema(case: Case, wire: str) -> bool:
    return case.schema == "rating_function" and _method(case) in _SCHEMA_AS_GIVEN.get(wire, ())


def _typeddict_by_schema(case: Case, wire: str) -> bool:
    typeddict = case.schema in ("Rating", "Album")
    return wire == "bedrock_converse" and typeddict and _method(case) == "json_schema"


def _gemini_tool(case: Case, wire: str) -> bool:
    return wire == "gemini" and _method(case) == "function_calling"


def _ollama_nested_tool(case: Case, wire: str) -> bool:
    nested = case.schema in ("Itinerary", "Tagged")
    return wire == "ollama" and nested and _method(case) == "function_calling"


def _mistral_streamed_call(case: Case, wire: str) -> bool:
    return (
        wire == "mistralai"
        and case.how in ("stream", "astream")
        and _method(case) in (None, "function_calling")
    )


#: Name -> a shape kept out of the generated cases, by the row holding it: this file's
#: named cells, and the kept differences other files hold (their scenario named).
KEPT_SHAPES: dict[str, Kept[Case]] = {
    "function_dict_by_schema": Kept("gen_function_dict_by_json_schema", _function_dict_by_schema),
    "typeddict_by_schema": Kept("gen_typeddict_by_json_schema", _typeddict_by_schema),
    # Gemini's tools go as OpenAPI `parameters` on the partner's side.
    "gemini_tool": Kept("pydantic_tool", _gemini_tool),
    # langchain-ollama's tool schema loses nested properties, `anyOf`s and defaults.
    "ollama_nested_tool": Kept("docs_tool_variants", _ollama_nested_tool),
    # langchain-mistralai's streamed call splits apart (a new id per piece).
    "mistral_streamed_call": Kept("structured_stream", _mistral_streamed_call),
}


NAMED = NamedFamily(SCENARIOS, SCRIPT_WIRES, ONLY, differences=GENERATED_DIFFERENCES)
test_named_structured = NAMED.test()


test_generated_structured = generated_test(SCRIPT_WIRES, CASES_PER_WIRE, generate, asked)


def test_every_row_names_a_cell_and_every_kept_shape_a_row() -> None:
    rows = {*DIFFERENCES, *GAPS, *GENERATED_DIFFERENCES, *DOCS_DIFFERENCES}
    NAMED.check_rows_and_kept(KEPT_SHAPES, rows)
