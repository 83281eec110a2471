"""ChatBedrockConverse in scripts that combine features, side by side with langchain-aws
(the suite's server, readings and replies): errors by status in a batch with
return_exceptions, caught as botocore's ClientError and read by `e.response`'s code;
structured output batched beside a throttled model; with_retry then a fallback to
another model; a tool-calling agent streamed as messages; configurable fields through
config; a shared InMemoryRateLimiter; model_copy."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.partners._combined_scripts import agent_streamed_messages
from tests.partners._combined_scripts import copied
from tests.partners._combined_scripts import rate_limited_batch
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import observe
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock.test_bedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_bedrock_sidebyside import OurChatBedrockConverse
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_request
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_result
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401
from tests.partners.bedrock.test_bedrock_sidebyside import langchain_aws
from tests.partners.bedrock.test_bedrock_sidebyside import text
from tests.partners.bedrock.test_bedrock_sidebyside import tool_use

#: A model id per error (the path names it), and what the server answers for it.
_FAILING = {
    "m-400": (400, "ValidationException"),
    "m-403": (403, "AccessDeniedException"),
    "m-404": (404, "ResourceNotFoundException"),
    "m-429": (429, "ThrottlingException"),
    "m-500": (500, "InternalServerException"),
}


def make(cls: Any, url: str, model: str = MODEL, **settings: Any) -> Any:
    return cls(model=model, endpoint_url=url, region_name="us-east-1", **KEYS, **settings)


def _by_model(seen: Seen) -> Any:
    for model, (status, name) in _FAILING.items():
        if f"/model/{model}/" in seen.path:
            return converse(status=status, error=(name, f"{name} for {model}"))(seen)
    return converse(tool_use("Weather", {"city": "Oslo", "degrees": 7}))(seen)


def _agent_turns(seen: Seen) -> Any:
    messages = (seen.body or {}).get("messages") or [{}]
    if any("toolResult" in block for block in messages[-1].get("content", [])):
        return converse(text("The sum is 3."))(seen)
    return converse(ADD_CALL, stop="tool_use")(seen)


def _caught(err: BaseException) -> Any:
    return _comparable_result({"error": err})


def errors_by_status_in_batch(cls: Any, url: str) -> Any:
    out = []
    for model in _FAILING:
        got = make(cls, url, model=model, max_retries=0).batch(["Hi"], return_exceptions=True)
        out.append([model, *(_caught(g) if isinstance(g, Exception) else g.text for g in got)])
    return out


SCHEMA = {
    "title": "Weather",
    "description": "The weather.",
    "type": "object",
    "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
    "required": ["city", "degrees"],
}


def structured_batch_one_throttled(cls: Any, url: str) -> Any:
    out = []
    for model in ("m-ok", "m-429"):
        chain = make(cls, url, model=model, max_retries=0).with_structured_output(SCHEMA)
        got = chain.batch(["Oslo?", "Rome?"], return_exceptions=True)
        out.append([_caught(g) if isinstance(g, Exception) else g for g in got])
    return out


def retry_then_fallback(cls: Any, url: str) -> Any:
    failing = make(cls, url, model="m-500", max_retries=0).with_retry(
        stop_after_attempt=2, wait_exponential_jitter=False
    )
    reply = failing.with_fallbacks([make(cls, url, model="m-ok")]).invoke("Hi")
    return [reply.tool_calls, reply.usage_metadata, reply.response_metadata.get("model_name")]


def configurable_fields_switch(cls: Any, url: str) -> Any:
    from langchain_core.runnables import ConfigurableField

    model = make(cls, url, temperature=0.1).configurable_fields(
        temperature=ConfigurableField(id="temp"), max_tokens=ConfigurableField(id="limit")
    )
    out = []
    for configurable in ({}, {"temp": 0.5}, {"temp": 0.9, "limit": 20}):
        try:
            out.append(model.invoke("Hi", config={"configurable": configurable}).content)
        except Exception as err:  # noqa: BLE001 - compared: what a script sees
            out.append([type(err).__name__, str(err).splitlines()[1].strip()])
    return out


SCRIPTS: dict[str, tuple[Any, Any]] = {
    "errors_by_status_in_batch": (_by_model, errors_by_status_in_batch),
    "structured_batch_one_throttled": (_by_model, structured_batch_one_throttled),
    "retry_then_fallback": (_by_model, retry_then_fallback),
    "agent_streamed_messages": (
        _agent_turns,
        lambda cls, url: agent_streamed_messages(make(cls, url)),
    ),
    "configurable_fields_switch": (converse(), configurable_fields_switch),
    "rate_limited_batch": (
        converse(),
        lambda cls, url: rate_limited_batch(lambda **k: make(cls, url, **k)),
    ),
    "model_copy_update": (
        converse(),
        lambda cls, url: copied(
            make(cls, url, temperature=0.1), {"temperature": 0.7, "max_tokens": 9}
        ),
    ),
}

_REBUILT = "Value error, base_model_id, base_model, or model_id must be specified"


def _configured_not_rebuilt(outcome: Outcome) -> Outcome:
    """Theirs: the default's reply, then langchain-aws's ValidationError for each call
    that configures a field; ours: those calls answered and sent as configured."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs[1:] == [["ValidationError", theirs[1][1]]] * 2
    assert theirs[1][1].startswith(_REBUILT)
    assert theirs[0] == ours[0] == ours[1] == ours[2]
    configs = {json.dumps(r["body"]["inferenceConfig"], sort_keys=True) for r in our_requests}
    asked = [{"temperature": 0.1}, {"temperature": 0.5}, {"temperature": 0.9, "maxTokens": 20}]
    assert configs == {json.dumps(c, sort_keys=True) for c in asked}
    assert [r["body"]["inferenceConfig"] for r in their_requests] == [{"temperature": 0.1}]
    return theirs, theirs, their_requests, their_requests


#: langchain-aws's ChatBedrockConverse rebuilt by `configurable_fields` loses its model id.
CONFIGURED_REFUSED = Difference(
    Reason.RAISES,
    "configurable_fields on ChatBedrockConverse, invoked with a configured value, "
    "raises pydantic's ValidationError ('base_model_id, base_model, or model_id "
    "must be specified'): LangChain rebuilds the model from its fields, which "
    "leave its model id out",
    "the model is rebuilt with the configured values and sends them",
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Difference, Callable[[Outcome], Outcome]]] = {
    "configurable_fields_switch": (CONFIGURED_REFUSED, _configured_not_rebuilt),
}

SUITE = Suite(
    SCRIPTS,
    langchain_aws.ChatBedrockConverse,
    OurChatBedrockConverse,
    DIFFERENCES,
    result=lambda value: observe(value),
    request=_comparable_request,
)
test_same_as_langchain_aws = SUITE.same_test()
