"""ChatBedrockConverse side by side in scripts of the probe_v set
(`tests/partners/_probe_v.py`): `ainvoke` and `astream` under `asyncio.wait_for`, an
`astream` left midway and `generate` over two conversations; and its own: a reply a
guardrail replaced (`guardrail_config` with its trace), and `additional_model_request_fields`
beside a reply's prompt-cache counts. Compared as the suite of
`test_bedrock_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import each_dict
from tests.partners._sidebyside import merged
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import CACHED
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make
from tests.partners.bedrock.test_bedrock_sidebyside import text


def guardrail_intervened(cls: Any, url: str) -> Any:
    """A guardrail given with its trace on; the reply the guardrail replaced: invoked and
    streamed."""
    guardrail = {"guardrailIdentifier": "gr-1", "guardrailVersion": "1", "trace": "enabled"}
    model = make(cls, url, guardrail_config=guardrail)
    return [model.invoke("Hi"), merged(list(model.stream("Hi")))]


def request_fields_cached_usage(cls: Any, url: str) -> Any:
    """`additional_model_request_fields` (a top_k); a reply read partly from the prompt
    cache: invoked and streamed, and their usage."""
    model = make(cls, url, additional_model_request_fields={"top_k": 5})
    reply, whole = model.invoke("Hi"), merged(list(model.stream("Hi")))
    return [reply, whole, reply.usage_metadata, whole.usage_metadata]


SCRIPTS = probe.rows(make, converse())
SCRIPTS["guardrail_intervened"] = (
    converse(text("Sorry, I can't help with that."), stop="guardrail_intervened"),
    guardrail_intervened,
)
SCRIPTS["request_fields_cached_usage"] = (converse(usage=CACHED), request_fields_cached_usage)


def _bedrocks_totals(outcome: Outcome) -> Outcome:
    """Their every `total_tokens` read as ours: input + output."""
    theirs, ours, their_requests, our_requests = outcome

    def total(usage: dict[str, Any]) -> None:
        if "total_tokens" in usage:
            usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]

    return each_dict(theirs, total), ours, their_requests, our_requests


#: Script -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Any, Any]] = {
    "request_fields_cached_usage": (
        converse_suite.DIFFERENCES["cache_usage"][0],
        _bedrocks_totals,
    ),
}

SUITE = converse_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_v_same_as_langchain_aws = SUITE.same_test()
