"""Generated settings (issue 47): the constructor and call settings a LangChain script
passes, seeded and deterministic, on the wires a script most often imports: the partner
class and chatplex's, built by the same constructor call, compared by what each side
sends (the body, and the headers a script set) or raises (class and words), and by what a
tracer reads: `_identifying_params`, `_get_ls_params` and the `invocation_params` a
callback's `on_chat_model_start` gets.

A case draws some of the partner class's own fields (from its `model_fields`: sampling,
token limits in each spelling, stops, seeds, `n`, timeouts, retries, `model_kwargs`,
headers, streaming and usage flags, reasoning settings, service tiers, penalties,
logprobs...), the call's keywords (`invoke(..., stop=..., temperature=...)`) and a
`bind(...)`'s, often the same setting at two places (which wins), sent by invoke, ainvoke
or stream. Settings needing credentials or a network are never drawn.

What the generator found is minimised to a named cell of `SCENARIOS`: the same, or a row
of this file's tables; the generator keeps a shape out only by a named predicate
(`KEPT_SHAPES`), so that the difference stays visible as its named cell.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from chatplex.testing import MockRequest

from ._cells import Difference
from ._generated import Kept
from ._generated import NamedFamily
from ._generated import generated_test
from ._generated import kept_out
from ._kit import WIRES
from ._kit import Raised
from ._kit import Run
from ._kit import arun
from ._kit import masked
from ._kit import requests_seen
from .test_content_scripts import _one_spelling
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_settings")

#: The seed every case is drawn from (with its wire and number), and how many per wire.
SEED = 59
CASES_PER_WIRE = 12

#: A constructor field a script may set -> the values drawn for it (drawn where the
#: partner class has the field).
CONSTRUCTOR: dict[str, list[Any]] = {
    "temperature": [0, 0.2, 1.0],
    "max_tokens": [16, 300],
    "max_output_tokens": [16, 300],
    "num_predict": [16, 300],
    "top_p": [0.5, 1.0],
    "top_k": [5, 40],
    "stop": [["END"], ["\n\n", "STOP"]],
    "stop_sequences": [["END"]],
    "seed": [7, 0],
    "random_seed": [7],
    "n": [1, 2],
    "timeout": [30, 12.5],
    "request_timeout": [30, 12.5],
    "default_request_timeout": [30.0],
    "max_retries": [0, 1],
    "model_kwargs": [{"user": "u-1"}],
    "default_headers": [{"X-Team": "matrix"}],
    "additional_headers": [{"X-Team": "matrix"}],
    "streaming": [True, False],
    "stream_usage": [True, False],
    "reasoning_effort": ["low", "high"],
    "reasoning_format": ["parsed", "hidden"],
    "reasoning": [True, False],  # Ollama's; ChatOpenAI's is a dict (`BY_WIRE`)
    "thinking_budget": [0, 128],
    "include_thoughts": [True],
    "service_tier": ["flex"],
    "frequency_penalty": [0.5],
    "presence_penalty": [0.5],
    "logprobs": [True],
    "top_logprobs": [2],
    "safe_mode": [True],
    "keep_alive": ["5m"],
    "num_ctx": [2048],
    "repeat_penalty": [1.1],
    "verbosity": ["low"],
    "store": [True],
    "additional_model_request_fields": [{"top_k": 5}],
}

#: (wire, field) -> the values drawn there, where the field's type differs by partner.
BY_WIRE: dict[tuple[str, str], list[Any]] = {
    ("openai", "reasoning"): [{"effort": "low"}, {"effort": "medium", "summary": "auto"}],
    ("anthropic", "model_kwargs"): [{"user": "u-1"}, {"metadata": {"user_id": "u-1"}}],
}

#: A keyword a call (or a `bind`) may pass -> the values drawn for it.
CALL: dict[str, list[Any]] = {
    "stop": [["HALT"]],
    "temperature": [0.7],
    "max_tokens": [42],
    "top_p": [0.9],
    "seed": [3],
}


@dataclass
class Case:
    """One generated call: the constructor's settings, `bind(...)`'s (None: no bind), the
    call's keywords and how it is made."""

    settings: dict[str, Any] = field(default_factory=dict)
    bind: dict[str, Any] | None = None
    call: dict[str, Any] = field(default_factory=dict)
    how: str = "invoke"

    def __str__(self) -> str:
        return f"settings={self.settings} bind={self.bind} call={self.call} how={self.how}"


def _fields(wire: str) -> dict[str, str]:
    """The partner's fields drawn from, each by the name a script may spell it with: its
    own or its alias (`max_completion_tokens`, `stop_sequences`, `timeout`...)."""
    partner: Any = WIRES[wire].partner()  # a pydantic model class
    own = partner.model_fields
    return {n: own[n].alias or n for n in CONSTRUCTOR if n in own}


def _keywords(rng: random.Random) -> dict[str, Any]:
    names = rng.sample(sorted(CALL), rng.choice([1, 1, 2]))
    return {n: rng.choice(CALL[n]) for n in names}


def generate(wire: str, number: int) -> Case:
    """Case `number` of `wire`: drawn from (SEED, wire, number), drawn again while it has
    a shape `KEPT_SHAPES` keeps out (its named cell holds it)."""
    return drawn(random.Random(f"{SEED}-{wire}-{number}"), wire, BY_WIRE, KEPT_SHAPES)


def drawn(
    rng: random.Random,
    wire: str,
    by_wire: Mapping[tuple[str, str], list[Any]],
    kept: Mapping[str, Kept[Case]],
) -> Case:
    """A case of `wire` from `rng`: one to four of its constructor fields (the values
    `by_wire` gives where the wire's differ), bound and call keywords, how it is called;
    drawn again while a shape `kept` names keeps it out."""
    names = _fields(wire)
    while True:
        case = Case()
        for name in rng.sample(sorted(names), rng.randint(1, min(4, len(names)))):
            spelled = names[name] if name != "max_retries" and rng.random() < 0.4 else name
            case.settings[spelled] = rng.choice(by_wire.get((wire, name), CONSTRUCTOR[name]))
        if rng.random() < 0.3:
            case.bind = _keywords(rng)
        if rng.random() < 0.5:
            case.call = _keywords(rng)
        case.how = rng.choice(["invoke", "ainvoke", "stream"])
        if not kept_out(kept, case, wire):
            return case


# ---- what one side sends and reports ---------------------------------------------------------

#: The headers compared: those a script sets (the rest name each SDK and its version).
_SET_HEADERS = ("x-team",)


def _body_and_headers(request: MockRequest) -> dict[str, Any]:
    """A request's body and script-set headers; the body's top-level null keys left out
    (AzureChatOpenAI's `"model": null`: the API reads it as absent, as tests/partners/azure
    compares bodies)."""
    headers = {k: v for k, v in request.headers.items() if k in _SET_HEADERS}
    body = {k: v for k, v in (request.json or {}).items() if v is not None}
    return {"body": _one_spelling(body), "headers": headers}


class _Started(BaseCallbackHandler):
    """The `invocation_params` and `ls_*` metadata of each chat model run started."""

    def __init__(self) -> None:
        self.started: list[dict[str, Any]] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        meta = {k: v for k, v in (kwargs.get("metadata") or {}).items() if k.startswith("ls_")}
        self.started.append({"invocation_params": kwargs.get("invocation_params"), **meta})


def _call(model: Any, case: Case, config: dict[str, Any]) -> None:
    if case.how == "stream":
        for _ in model.stream("Hi", config, **case.call):
            pass
    elif case.how == "ainvoke":

        async def body() -> Any:
            return await model.ainvoke("Hi", config, **case.call)

        arun(body)
    else:
        model.invoke("Hi", config, **case.call)


def _reads(model: Any, case: Case) -> dict[str, Any]:
    """What a tracer reads of the model itself, before the call."""
    return {
        "identifying": masked(dict(model._identifying_params)),
        "ls": masked(model._get_ls_params(**case.call)),
    }


def sent(case: Case) -> Callable[[Run], Any]:
    """A scenario: what the model reports, each request `case`'s call sent, and what the
    callback got, or the error's class and words where a side raised."""

    def scenario(run: Run) -> Any:
        out: dict[str, Any] = {}
        started = _Started()
        with requests_seen(run, _body_and_headers) as seen, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = run.make(**{"max_retries": 0, **case.settings})
                out["reads"] = _reads(model, case)
                bound = model.bind(**case.bind) if case.bind is not None else model
                _call(bound, case, {"callbacks": [started]})
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                out["raised"] = {"kind": Raised.of(exc).kind, "words": str(exc)}
        out["requests"] = masked(seen)
        out["started"] = masked(started.started)
        return out

    return scenario


# ---- the named cells: what the generator found ------------------------------------------------


def _asked(**how: Any) -> Callable[[Run], Any]:
    return sent(Case(**how))


#: The named scenarios: the smallest settings showing each difference the generator found.
SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "settings_plain_call": _asked(),
    "n_beside_streaming": _asked(settings={"n": 2, "streaming": True}),
    "unknown_model_kwarg": _asked(settings={"model_kwargs": {"user": "u-1"}}),
    "call_max_tokens": _asked(call={"max_tokens": 42}),
    "fractional_timeout": _asked(settings={"timeout": 12.5}),
    "gemini_model_kwargs": _asked(settings={"model_kwargs": {"user": "u-1"}}),
    "responses_refused_setting": _asked(settings={"reasoning": {"effort": "low"}, "seed": 7}),
    "call_seed": _asked(call={"seed": 3}),
    "call_seed_async": _asked(call={"seed": 3}, how="ainvoke"),
    "call_top_p": _asked(call={"top_p": 0.9}),
    "call_seed_over_random_seed": _asked(settings={"random_seed": 7}, call={"seed": 3}),
    "stop_twice_beside_refused_keyword": _asked(
        settings={"stop": ["END"]}, call={"stop": ["HALT"], "max_tokens": 42}
    ),
    # A Responses model (reasoning=) given a Chat Completions keyword at the call: the
    # openai SDK's Responses.create() refuses it, in its words (found by seed 6101).
    "responses_call_refused_keyword": _asked(
        settings={"reasoning": {"effort": "low"}}, bind={"seed": 3}
    ),
    "responses_call_refused_keyword_async": _asked(
        settings={"reasoning": {"effort": "low"}}, call={"seed": 3}, how="ainvoke"
    ),
    # Both of ChatOpenAI's reasoning settings (found by seed 8231).
    "reasoning_beside_reasoning_effort": _asked(
        settings={"reasoning": {"effort": "low"}, "reasoning_effort": "high"}
    ),
    # `stop` by its alias at construction, a call's stop over it (found by seed 9917).
    "stop_sequences_beside_call_stop": _asked(
        settings={"stop_sequences": ["END"]}, call={"stop": ["HALT"]}
    ),
    # A thinking level beside a budget at construction: the level alone is sent.
    "thinking_level_beside_budget": _asked(
        settings={"thinking_level": "high", "thinking_budget": 128}
    ),
}

#: Scenario -> the wires it runs on, where not every script wire (the partner has the
#: field, or the wire is the one the generator found it on).
ONLY: dict[str, tuple[str, ...]] = {
    "n_beside_streaming": ("openai", "groq"),
    "unknown_model_kwarg": ("openai", "anthropic", "groq", "mistralai"),
    "fractional_timeout": ("gemini", "bedrock_converse", "mistralai"),
    "gemini_model_kwargs": ("gemini",),
    "responses_refused_setting": ("openai",),
    "stop_twice_beside_refused_keyword": ("ollama",),
    "call_seed_over_random_seed": ("mistralai",),
    "call_seed_async": ("anthropic",),
    "responses_call_refused_keyword": ("openai",),
    "responses_call_refused_keyword_async": ("openai",),
    "reasoning_beside_reasoning_effort": ("openai",),
    "thinking_level_beside_budget": ("gemini",),
    "stop_sequences_beside_call_stop": ("gemini",),
}


def _seeds_sent(theirs: Any) -> dict[str, Any] | None:
    """The seed fields of the one request sent (None: not exactly one request)."""
    requests = theirs.get("requests") or []
    if len(requests) != 1:
        return None
    body = requests[0]["body"]
    return {k: body[k] for k in ("seed", "random_seed") if k in body}


def _raised(kind: str, words: str) -> Callable[[Any], bool]:
    """A check: LangChain's side raised `kind` (its name's end) with `words` in it."""

    def check(theirs: Any) -> bool:
        raised = theirs.get("raised") or {}
        return str(raised.get("kind", "")).endswith(kind) and words in raised.get("words", "")

    return check


GENERATED_SETTINGS_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("call_seed", "mistralai"): Difference(
        "rejected by provider",
        "invoke(..., seed=3): langchain-mistralai sends the keyword as given (`seed: 3`), "
        "a field Mistral's API refuses (422; as _cells.py keeps it for sampling_sent); "
        "chatplex sends Mistral's `random_seed: 3`",
        lambda theirs: _seeds_sent(theirs) == {"seed": 3},
    ),
    ("call_seed_over_random_seed", "mistralai"): Difference(
        "rejected by provider",
        "ChatMistralAI(random_seed=7).invoke(..., seed=3): langchain-mistralai sends "
        "`random_seed: 7` and `seed: 3`, the second a field Mistral's API refuses (422); "
        "chatplex sends the call's seed as `random_seed: 3`, as a call's setting replaces "
        "the model's",
        lambda theirs: _seeds_sent(theirs) == {"random_seed": 7, "seed": 3},
    ),
    ("n_beside_streaming", "openai"): Difference(
        "raises",
        "langchain-openai refuses ChatOpenAI(n=2, streaming=True) at construction "
        "(ValidationError 'n must be 1 when streaming'), though OpenAI streams n choices; "
        "chatplex sends `n: 2` with `stream: true`",
        _raised("ValidationError", "n must be 1 when streaming"),
    ),
    ("n_beside_streaming", "groq"): Difference(
        "raises",
        "langchain-groq refuses ChatGroq(n=2, streaming=True) at construction "
        "(ValidationError 'n must be 1 when streaming'); chatplex sends `n: 2` with "
        "`stream: true` (Groq answers an n above 1 with its own 400)",
        _raised("ValidationError", "n must be 1 when streaming"),
    ),
    ("gemini_model_kwargs", "gemini"): Difference(
        "loses data",
        "langchain-google-genai collects model_kwargs (with LangChain's warning for an "
        "unknown keyword) and never sends them: the request goes without the key; "
        "chatplex sends them in the body, as the other partners send model_kwargs",
        lambda theirs: "user" not in theirs["requests"][0]["body"],
    ),
    ("responses_refused_setting", "openai"): Difference(
        "raises",
        "ChatOpenAI(reasoning={...}, seed=7): langchain-openai switches to the Responses "
        "API and the openai SDK's Responses.create() refuses the Chat Completions setting "
        "at the call (TypeError \"unexpected keyword argument 'seed'\"); chatplex refuses "
        "it at construction (a TypeError saying the API takes no such parameter)",
        _raised("TypeError", "Responses.create() got an unexpected keyword argument 'seed'"),
    ),
    ("reasoning_beside_reasoning_effort", "openai"): Difference(
        "raises",
        "ChatOpenAI(reasoning={'effort': 'low'}, reasoning_effort='high'): langchain-openai "
        "renames reasoning_effort into `reasoning` only where `reasoning` is not set, so "
        "it hands both to the openai SDK's Responses.create(), which refuses the second "
        "at every call (TypeError \"unexpected keyword argument 'reasoning_effort'\"); "
        "chatplex sends `reasoning`, the field that rename lets win",
        _raised(
            "TypeError", "Responses.create() got an unexpected keyword argument 'reasoning_effort'"
        ),
    ),
    ("unknown_model_kwarg", "anthropic"): Difference(
        "raises",
        "langchain-anthropic hands model_kwargs to the anthropic SDK's create(), which "
        "refuses a key it does not name (TypeError \"unexpected keyword argument 'user'\"); "
        "chatplex sends it in the body, as the OpenAI-family partners send model_kwargs",
        _raised("TypeError", "unexpected keyword argument 'user'"),
    ),
    ("call_max_tokens", "gemini"): Difference(
        "raises",
        "langchain-google-genai puts a call's max_tokens= into the SDK's "
        "GenerateContentConfig, which refuses it (ValidationError 'Extra inputs are not "
        "permitted'); chatplex sends it as maxOutputTokens, as the constructor's "
        "max_tokens= is sent",
        _raised("ValidationError", "Extra inputs are not permitted"),
    ),
    ("fractional_timeout", "bedrock_converse"): Difference(
        "raises",
        "langchain-aws types ChatBedrockConverse's timeout as an int: timeout=12.5 is "
        "refused at construction (ValidationError 'int_from_float'); chatplex takes "
        "seconds as a float, as botocore's read timeout does",
        _raised("ValidationError", "int_from_float"),
    ),
    ("fractional_timeout", "mistralai"): Difference(
        "raises",
        "langchain-mistralai types ChatMistralAI's timeout as an int: timeout=12.5 is "
        "refused at construction (ValidationError 'int_from_float'); chatplex takes "
        "seconds as a float, as httpx does",
        _raised("ValidationError", "int_from_float"),
    ),
}


def _n_beside_streaming(case: Case, wire: str) -> bool:
    return (
        wire in ("openai", "groq")
        and case.settings.get("n", 1) > 1
        and bool(case.settings.get("streaming"))
    )


def _unknown_model_kwarg(case: Case, wire: str) -> bool:
    return wire == "anthropic" and "user" in case.settings.get("model_kwargs", {})


def _call_max_tokens(case: Case, wire: str) -> bool:
    return wire == "gemini" and "max_tokens" in _given(case)


def _fractional_timeout(case: Case, wire: str) -> bool:
    return wire in ("bedrock_converse", "mistralai") and isinstance(
        case.settings.get("timeout"), float
    )


def _gemini_model_kwargs(case: Case, wire: str) -> bool:
    return wire == "gemini" and "model_kwargs" in case.settings


#: ChatOpenAI's settings the Responses API's create() has no parameter for.
_NOT_RESPONSES = frozenset(
    {"seed", "n", "logprobs", "presence_penalty", "frequency_penalty", "logit_bias"}
)


def _responses_refused_setting(case: Case, wire: str) -> bool:
    return (
        wire == "openai"
        and "reasoning" in case.settings
        and bool(_NOT_RESPONSES & {*case.settings})
    )


def _both_reasonings(case: Case, wire: str) -> bool:
    return wire == "openai" and {"reasoning", "reasoning_effort"} <= {*case.settings}


def _given(case: Case) -> set[str]:
    """The keywords a call gets, bound or its own."""
    return {*case.call, *(case.bind or {})}


def _call_seed(case: Case, wire: str) -> bool:
    return wire == "mistralai" and "seed" in _given(case)


#: Name -> a shape kept out of the generated cases, by the named cell holding it.
KEPT_SHAPES: dict[str, Kept[Case]] = {
    "n_beside_streaming": Kept("n_beside_streaming", _n_beside_streaming),
    "unknown_model_kwarg": Kept("unknown_model_kwarg", _unknown_model_kwarg),
    "call_max_tokens": Kept("call_max_tokens", _call_max_tokens),
    "fractional_timeout": Kept("fractional_timeout", _fractional_timeout),
    "gemini_model_kwargs": Kept("gemini_model_kwargs", _gemini_model_kwargs),
    "responses_refused_setting": Kept("responses_refused_setting", _responses_refused_setting),
    "call_seed": Kept("call_seed", _call_seed),
    "both_reasonings": Kept("reasoning_beside_reasoning_effort", _both_reasonings),
}


NAMED = NamedFamily(
    SCENARIOS,
    SCRIPT_WIRES,
    ONLY,
    differences=GENERATED_SETTINGS_DIFFERENCES,
)
test_named_settings = NAMED.test()


test_generated_settings = generated_test(SCRIPT_WIRES, CASES_PER_WIRE, generate, sent, "settings")


def test_every_row_names_a_cell_and_every_kept_shape_a_row() -> None:
    rows = {*GENERATED_SETTINGS_DIFFERENCES}
    NAMED.check_rows_and_kept(KEPT_SHAPES, rows)
