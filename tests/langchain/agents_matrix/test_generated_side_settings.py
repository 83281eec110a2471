"""Generated settings over the side wires (issue 47): f5's settings generator
(test_generated_settings.py: constructor fields drawn from the partner class's own
`model_fields`, a call's and a `bind`'s keywords, invoke / ainvoke / stream; both sides
compared by what they send, raise, and report to a tracer) run over `SIDE_WIRES`, the
drop-ins whose partner package is installed but that scripts import less often (Azure,
the Responses API, Vertex, Bedrock's ChatBedrock, Cohere and the OpenAI-compatible
hosts).

Every difference the generator found is minimised to a named cell of `SCENARIOS`: the
same, or a row of this file's tables; the generator keeps a shape out only by a named
predicate (`KEPT_SHAPES`), so that the difference stays visible as its named cell.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from ._cells import Difference
from ._generated import Kept
from ._generated import NamedFamily
from ._generated import generated_test
from ._kit import Run
from .test_generated_settings import _NOT_RESPONSES
from .test_generated_settings import BY_WIRE
from .test_generated_settings import SEED
from .test_generated_settings import Case
from .test_generated_settings import _asked
from .test_generated_settings import _given
from .test_generated_settings import _raised
from .test_generated_settings import drawn
from .test_generated_settings import sent
from .test_side_wires import SIDE_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_side_settings")

#: How many cases per side wire (the file's CPU budget is ~10 s).
CASES_PER_WIRE = 4

#: The OpenAI-family side wires: their `reasoning` field is ChatOpenAI's dict, not a flag.
_OPENAI_FAMILY = ("responses", "azure", "xai", "deepseek", "together", "nebius")

#: Their BaseChatOpenAI subclasses speaking to another host (no Responses API switch of
#: chatplex's own).
_CHAT_COMPLETIONS_SUBCLASSES = ("xai", "deepseek", "together", "nebius")

#: The side wires whose partner class refuses n above 1 beside streaming=True at
#: construction (langchain-openai's check, copied by each of their packages).
_N_ONE_WHEN_STREAMING = ("azure", "xai", "fireworks", "together", "nebius")

#: (wire, field) -> the values drawn there, over f5's `BY_WIRE`.
SIDE_BY_WIRE: dict[tuple[str, str], list[Any]] = {
    **BY_WIRE,
    **{(w, "reasoning"): BY_WIRE[("openai", "reasoning")] for w in _OPENAI_FAMILY},
}


def generate(wire: str, number: int) -> Case:
    """Case `number` of side wire `wire`: drawn as f5's generator draws, from
    (SEED, "side", wire, number), drawn again while it has a shape `KEPT_SHAPES` keeps
    out (its named cell holds it)."""
    return drawn(random.Random(f"{SEED}-side-{wire}-{number}"), wire, SIDE_BY_WIRE, KEPT_SHAPES)


#: The named scenarios: the smallest settings showing each difference the generator found.
SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "side_settings_plain_call": _asked(),
    "side_constructor_temperature_beside_call": _asked(
        settings={"temperature": 0.2}, call={"temperature": 0.7}
    ),
    "side_constructor_max_tokens_beside_call": _asked(
        settings={"max_tokens": 16}, call={"max_tokens": 42}
    ),
    "side_constructor_stop_sequences": _asked(settings={"stop_sequences": ["END"]}),
    "side_constructor_stop": _asked(settings={"stop": ["END"]}),
    "side_stop_sequences_beside_call_stop": _asked(
        settings={"stop_sequences": ["STOP"]}, call={"stop": ["HALT"]}
    ),
    "side_fractional_timeout": _asked(settings={"timeout": 12.5}),
    "side_penalties": _asked(settings={"presence_penalty": 0.5, "frequency_penalty": 0.5}),
    "side_model_kwargs_user": _asked(settings={"model_kwargs": {"user": "u-1"}}),
    "side_include_thoughts": _asked(settings={"include_thoughts": True}),
    "side_call_seed": _asked(call={"seed": 3}),
    "side_n_one": _asked(settings={"n": 1}),
    "side_n_beside_streaming": _asked(settings={"n": 2, "streaming": True}),
    "side_responses_refused_setting": _asked(settings={"reasoning": {"effort": "low"}, "seed": 7}),
    "side_reasoning_beside_effort": _asked(
        settings={"reasoning": {"effort": "low"}, "reasoning_effort": "high"}
    ),
    "side_reasoning_dict": _asked(settings={"reasoning": {"effort": "low"}}),
    "side_reasoning_dict_stream": _asked(settings={"reasoning": {"effort": "low"}}, how="stream"),
    "side_thinking_budget": _asked(settings={"thinking_budget": 128}),
    "side_call_max_tokens": _asked(call={"max_tokens": 42}),
    "side_settings_ainvoke": _asked(settings={"temperature": 0.2}, how="ainvoke"),
    "side_settings_stream": _asked(settings={"temperature": 0.2}, how="stream"),
    "side_settings_stream_stop": _asked(call={"stop": ["HALT"]}, how="stream"),
    "side_stream_refused_keyword": _asked(call={"top_p": 0.9}, how="stream"),
    "side_completion_tokens_beside_call": _asked(
        settings={"max_completion_tokens": 16}, call={"max_tokens": 42}, how="stream"
    ),
}

#: Scenario -> the wires it runs on, where not every side wire.
ONLY: dict[str, tuple[str, ...]] = {
    "side_constructor_temperature_beside_call": ("bedrock", "cohere"),
    "side_constructor_max_tokens_beside_call": ("bedrock",),
    "side_constructor_stop_sequences": ("bedrock",),
    "side_constructor_stop": ("cohere",),
    "side_stop_sequences_beside_call_stop": ("vertex",),
    "side_fractional_timeout": ("bedrock",),
    "side_penalties": ("vertex",),
    "side_model_kwargs_user": ("vertex", "perplexity", "sambanova"),
    "side_include_thoughts": ("vertex",),
    "side_call_seed": ("perplexity", "sambanova"),
    "side_n_one": ("xai", "deepseek", "together", "nebius"),
    "side_n_beside_streaming": _N_ONE_WHEN_STREAMING,
    "side_responses_refused_setting": ("responses", "azure", "xai", "together"),
    "side_reasoning_beside_effort": ("responses", "azure"),
    "side_reasoning_dict": _CHAT_COMPLETIONS_SUBCLASSES,
    "side_reasoning_dict_stream": ("together",),
    "side_thinking_budget": ("vertex",),
    "side_call_max_tokens": ("vertex",),
    "side_settings_ainvoke": ("vertex",),
    "side_settings_stream": ("vertex",),
    "side_settings_stream_stop": ("perplexity",),
    "side_stream_refused_keyword": ("cohere",),
    "side_completion_tokens_beside_call": ("responses",),
}


def _body(theirs: Any) -> dict[str, Any]:
    body: dict[str, Any] = theirs["requests"][0]["body"]
    return body


GENERATED_SIDE_SETTINGS_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("side_constructor_temperature_beside_call", "bedrock"): Difference(
        "loses data",
        "ChatBedrock(temperature=0.2).invoke(..., temperature=0.7): langchain-aws merges "
        "the constructor's model settings over the call's and sends 0.2, losing the "
        "call's value; chatplex sends the call's 0.7, as every other partner does",
        lambda theirs: _body(theirs).get("temperature") == 0.2,
    ),
    ("side_constructor_max_tokens_beside_call", "bedrock"): Difference(
        "loses data",
        "ChatBedrock(max_tokens=16).invoke(..., max_tokens=42): langchain-aws sends the "
        "constructor's 16, losing the call's value; chatplex sends the call's 42",
        lambda theirs: _body(theirs).get("max_tokens") == 16,
    ),
    ("side_constructor_stop_sequences", "bedrock"): Difference(
        "loses data",
        "ChatBedrock(stop_sequences=[...]): langchain-aws keeps the field and never sends "
        "it (the request goes without stop_sequences); chatplex sends it",
        lambda theirs: "stop_sequences" not in _body(theirs),
    ),
    ("side_constructor_temperature_beside_call", "cohere"): Difference(
        "raises",
        "ChatCohere(temperature=0.2).invoke(..., temperature=0.7): langchain-cohere "
        "passes the setting twice to its request builder (TypeError 'got multiple values "
        "for keyword argument'); chatplex sends the call's 0.7",
        _raised("TypeError", "got multiple values for keyword argument 'temperature'"),
    ),
    ("side_constructor_stop", "cohere"): Difference(
        "loses data",
        "ChatCohere(stop=[...]): langchain-cohere keeps the field and never sends it (the "
        "request goes without stop_sequences); chatplex sends it as stop_sequences",
        lambda theirs: "stop_sequences" not in _body(theirs),
    ),
    ("side_fractional_timeout", "bedrock"): Difference(
        "raises",
        "langchain-aws types ChatBedrock's timeout as an int: timeout=12.5 is refused at "
        "construction (ValidationError 'int_from_float'); chatplex takes seconds as a "
        "float, as botocore's read timeout does",
        _raised("ValidationError", "int_from_float"),
    ),
    ("side_penalties", "vertex"): Difference(
        "loses data",
        "ChatVertexAI(presence_penalty=0.5, frequency_penalty=0.5): langchain-google-"
        "vertexai never sends the penalties (generationConfig goes without them); "
        "chatplex sends presencePenalty and frequencyPenalty",
        lambda theirs: (
            not {"presencePenalty", "frequencyPenalty"}
            & set(_body(theirs).get("generationConfig", {}))
        ),
    ),
    ("side_model_kwargs_user", "vertex"): Difference(
        "loses data",
        "ChatVertexAI(model_kwargs={'user': ...}): langchain-google-vertexai never sends "
        "model_kwargs (the request goes without the key); chatplex sends them in the "
        "body, as the other partners send model_kwargs",
        lambda theirs: "user" not in _body(theirs),
    ),
    ("side_model_kwargs_user", "perplexity"): Difference(
        "raises",
        "langchain-perplexity hands model_kwargs to the perplexity SDK's create(), which "
        'refuses a key it does not name (TypeError "unexpected keyword argument '
        "'user'\"); chatplex sends it in the body",
        _raised("TypeError", "unexpected keyword argument 'user'"),
    ),
    ("side_model_kwargs_user", "sambanova"): Difference(
        "raises",
        "langchain-sambanova hands model_kwargs to the sambanova SDK's create(), which "
        'refuses a key it does not name (TypeError "unexpected keyword argument '
        "'user'\"); chatplex sends it in the body",
        _raised("TypeError", "unexpected keyword argument 'user'"),
    ),
    **{
        ("side_n_beside_streaming", wire): Difference(
            "raises",
            f"{partner}(n=2, streaming=True) is refused at construction (ValidationError "
            "'n must be 1 when streaming', langchain-openai's check); chatplex sends "
            "`n: 2` with `stream: true`, as it does for ChatOpenAI (test_generated_"
            "settings' n_beside_streaming row)",
            _raised("ValidationError", "n must be 1 when streaming"),
        )
        for wire, partner in (
            ("azure", "AzureChatOpenAI"),
            ("xai", "ChatXAI"),
            ("fireworks", "ChatFireworks"),
            ("together", "ChatTogether"),
            ("nebius", "ChatNebius"),
        )
    },
    **{
        ("side_responses_refused_setting", wire): Difference(
            "raises",
            "ChatOpenAI(use_responses_api=True, ...) / AzureChatOpenAI(reasoning={...}, "
            "seed=7): the openai SDK's Responses.create() refuses the Chat Completions "
            "setting at the call (TypeError \"unexpected keyword argument 'seed'\"); "
            "chatplex refuses it at construction (a TypeError saying the API takes no "
            "such parameter)",
            _raised("TypeError", "Responses.create() got an unexpected keyword argument 'seed'"),
        )
        for wire in ("responses", "azure", "xai", "together")
    },
    **{
        ("side_reasoning_beside_effort", wire): Difference(
            "raises",
            "ChatOpenAI(use_responses_api=True, ...) / AzureChatOpenAI(reasoning={'effort': "
            "'low'}, reasoning_effort='high'): langchain-openai folds reasoning_effort into "
            "`reasoning` only where no `reasoning` is set, and the openai SDK's "
            'Responses.create() refuses the keyword left over (TypeError "unexpected '
            "keyword argument 'reasoning_effort'\"): nothing is sent; chatplex sends "
            "`reasoning`, its own effort kept and reasoning_effort filling only an effort "
            "it leaves out",
            _raised("TypeError", "unexpected keyword argument 'reasoning_effort'"),
        )
        for wire in ("responses", "azure")
    },
    ("side_reasoning_dict", "deepseek"): Difference(
        "raises",
        "ChatDeepSeek(reasoning={...}): langchain-openai switches to the Responses API and "
        "langchain-deepseek's payload hook reads the Chat Completions `messages` "
        "(KeyError 'messages'); chatplex refuses the keyword at construction (TypeError)",
        _raised("KeyError", "messages"),
    ),
    ("side_reasoning_dict", "nebius"): Difference(
        "raises",
        "ChatNebius(reasoning={...}): langchain-openai switches to the Responses API, "
        "which langchain-nebius' client does not have (AttributeError \"'NoneType' "
        "object has no attribute 'responses'\"); chatplex refuses the keyword at "
        "construction (TypeError)",
        _raised("AttributeError", "has no attribute 'responses'"),
    ),
    ("side_reasoning_dict_stream", "together"): Difference(
        "raises",
        "ChatTogether(reasoning={...}).stream(...): langchain-together's class is "
        "langchain-openai's BaseChatOpenAI, whose _stream hands the Responses payload "
        "(input) to Chat Completions' create() (TypeError 'Missing required arguments'); "
        "nothing is sent; chatplex streams over Together's POST /v1/responses",
        _raised("TypeError", "Missing required arguments"),
    ),
    ("side_call_max_tokens", "vertex"): Difference(
        "loses data",
        "ChatVertexAI().invoke(..., max_tokens=42): langchain-google-vertexai drops the "
        "call's max_tokens (generationConfig goes without maxOutputTokens); chatplex "
        "sends it as maxOutputTokens",
        lambda theirs: "maxOutputTokens" not in _body(theirs).get("generationConfig", {}),
    ),
    ("side_settings_ainvoke", "vertex"): Difference(
        "raises",
        "langchain-google-vertexai's async calls over api_transport='rest' await the "
        "aiplatform REST client's plain GenerateContentResponse (TypeError \"can't be "
        "used in 'await' expression\"), whatever the server answers; chatplex calls",
        _raised("TypeError", "can't be used in 'await' expression"),
    ),
    ("side_settings_stream_stop", "perplexity"): Difference(
        "raises",
        "langchain-perplexity's stream passes stream(..., stop=[...]) on to the "
        "perplexity SDK's create() as `stop_sequences`, which it does not take "
        "(TypeError); nothing is sent; chatplex streams with `stop` sent",
        _raised("TypeError", "unexpected keyword argument 'stop_sequences'"),
    ),
}


def _vertex_async(case: Case, wire: str) -> bool:
    return _has(wire, "vertex") and case.how == "ainvoke"


def _streams(case: Case) -> bool:
    """The call streams: stream(), or a constructor's streaming=True under invoke."""
    return case.how == "stream" or bool(case.settings.get("streaming"))


def _vertex_call_max_tokens(case: Case, wire: str) -> bool:
    return _has(wire, "vertex") and "max_tokens" in _given(case)


def _reasoning_dict(case: Case, wire: str) -> bool:
    # langchain-openai's BaseChatOpenAI given `reasoning` goes over the Responses API,
    # which langchain-deepseek's and langchain-nebius' classes cannot take.
    return _has(wire, "deepseek", "nebius") and "reasoning" in case.settings


def _together_reasoning_stream(case: Case, wire: str) -> bool:
    return _has(wire, "together") and "reasoning" in case.settings and _streams(case)


def _perplexity_stream_stop(case: Case, wire: str) -> bool:
    return _has(wire, "perplexity") and _streams(case) and "stop" in _given(case)


def _has(wire: str, *wires: str) -> bool:
    return wire in wires


def _constructor_beside_call(case: Case, wire: str) -> bool:
    twice = {"temperature", "max_tokens"} & {*case.settings} & _given(case)
    return _has(wire, "bedrock", "cohere") and bool(twice)


def _constructor_stop(case: Case, wire: str) -> bool:
    return _has(wire, "bedrock", "cohere") and bool({"stop", "stop_sequences"} & {*case.settings})


def _fractional_timeout(case: Case, wire: str) -> bool:
    return _has(wire, "bedrock") and isinstance(case.settings.get("timeout"), float)


def _penalties(case: Case, wire: str) -> bool:
    drawn = {"presence_penalty", "frequency_penalty"} & {*case.settings}
    return _has(wire, "vertex") and bool(drawn)


def _model_kwargs_user(case: Case, wire: str) -> bool:
    return _has(wire, "vertex", "perplexity", "sambanova") and "model_kwargs" in case.settings


def _n_beside_streaming(case: Case, wire: str) -> bool:
    return (
        _has(wire, *_N_ONE_WHEN_STREAMING)
        and case.settings.get("n", 1) > 1
        and bool(case.settings.get("streaming"))
    )


def _responses_refused_setting(case: Case, wire: str) -> bool:
    refused = _NOT_RESPONSES & ({*case.settings} | _given(case))
    # The Responses wire always; Azure, xAI and Together where `reasoning` switches
    # them to that API.
    switched = _has(wire, "responses") or (
        _has(wire, "azure", "xai", "together") and "reasoning" in case.settings
    )
    return switched and bool(refused)


def _reasoning_beside_effort(case: Case, wire: str) -> bool:
    # Both on the Responses API (Azure's where `reasoning` switches it there).
    both = {"reasoning", "reasoning_effort"} <= {*case.settings}
    return _has(wire, "responses", "azure") and both


#: Name -> a shape kept out of the generated cases, by the named cell holding it.
KEPT_SHAPES: dict[str, Kept[Case]] = {
    "constructor_beside_call": Kept(
        "side_constructor_temperature_beside_call", _constructor_beside_call
    ),
    "constructor_stop": Kept("side_constructor_stop", _constructor_stop),
    "fractional_timeout": Kept("side_fractional_timeout", _fractional_timeout),
    "penalties": Kept("side_penalties", _penalties),
    "model_kwargs_user": Kept("side_model_kwargs_user", _model_kwargs_user),
    "n_beside_streaming": Kept("side_n_beside_streaming", _n_beside_streaming),
    "responses_refused_setting": Kept("side_responses_refused_setting", _responses_refused_setting),
    "reasoning_dict": Kept("side_reasoning_dict", _reasoning_dict),
    "together_reasoning_stream": Kept("side_reasoning_dict_stream", _together_reasoning_stream),
    "reasoning_beside_effort": Kept("side_reasoning_beside_effort", _reasoning_beside_effort),
    "vertex_call_max_tokens": Kept("side_call_max_tokens", _vertex_call_max_tokens),
    "vertex_async": Kept("side_settings_ainvoke", _vertex_async),
    "perplexity_stream_stop": Kept("side_settings_stream_stop", _perplexity_stream_stop),
}


NAMED = NamedFamily(
    SCENARIOS,
    SIDE_WIRES,
    ONLY,
    differences=GENERATED_SIDE_SETTINGS_DIFFERENCES,
)
test_named_side_settings = NAMED.test()


test_generated_side_settings = generated_test(
    SIDE_WIRES, CASES_PER_WIRE, generate, sent, "side-settings"
)


def test_every_row_names_a_cell_and_every_kept_shape_a_row() -> None:
    rows = {*GENERATED_SIDE_SETTINGS_DIFFERENCES}
    NAMED.check_rows_and_kept(KEPT_SHAPES, rows)
