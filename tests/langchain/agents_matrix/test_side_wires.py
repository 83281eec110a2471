"""The scripts of `test_model_api.py` and `test_scripts.py` that touch each wire's own
behaviour most (the model's identity, fields and metadata, its events, stop words,
structured output by each method, tool choices, call-time settings, the usage callback,
a JSON parser over a stream, the order of the reply's metadata, token counting,
serialization, a batch with a refused input), over the wires those files leave out:
every drop-in with an installed partner package (`_kit.WIRES` less `SCRIPT_WIRES`) is a
LangChain name a script may import. The scenarios are those files' own, imported."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from chatplex.testing import MockServer

from . import test_model_api as model_api
from . import test_scripts as scripts
from ._cells import cells
from ._cells import judge
from ._kit import RANDOM
from ._kit import WIRES
from ._kit import Run
from ._kit import run_cell

pytestmark = pytest.mark.xdist_group("agents_matrix_side_wires")

#: The wires the script sets leave out.
SIDE_WIRES = tuple(wire for wire in WIRES if wire not in scripts.SCRIPT_WIRES)

#: An object's address in a repr (`<openai.OpenAI object at 0x7f...>`): drawn per run.
_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def _addresses_masked(value: Any) -> Any:
    if isinstance(value, str):
        return _ADDRESS.sub(f" at {RANDOM}>", value)
    if isinstance(value, dict):
        return {k: _addresses_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_addresses_masked(v) for v in value]
    return value


def serialize(run: Run) -> Any:
    """`test_scripts.serialize`, the addresses in a repr masked (`dumpd` writes a class
    LangChain does not serialize as its repr, SDK clients shown with their addresses),
    the deprecation both ChatVertexAI classes warn of when `loads` builds one not raised
    (the partner's side runs with every warning ignored)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", r"Use \[`ChatGoogleGenerativeAI`\]", category=DeprecationWarning
        )
        return _addresses_masked(scripts.serialize(run))


SCENARIOS = {
    "identity": model_api.identity,
    "fields": model_api.fields,
    "stream_events": model_api.stream_events,
    "stop_words": model_api.stop_words,
    "structured_methods": model_api.structured_methods,
    "tool_choices": model_api.tool_choices,
    "per_call_settings": model_api.per_call_settings,
    "usage_callback_stream": scripts.usage_callback_stream,
    "json_parser_stream": model_api.json_parser_stream,
    "metadata_order": model_api.metadata_order,
    "token_count": scripts.token_count,
    "serialize": serialize,
    "model_metadata": scripts.model_metadata,
    "batch_refused": model_api.batch_refused,
}


@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <coroutine object ClientResponse.json"
    ":pytest.PytestUnraisableExceptionWarning"
)
@pytest.mark.parametrize(("scenario", "wire"), cells(SCENARIOS, SIDE_WIRES))
def test_side_wire(server: MockServer, scenario: str, wire: str) -> None:
    theirs, ours = run_cell(SCENARIOS[scenario], WIRES[wire], server)
    judge(scenario, wire, theirs, ours)
