"""ChatCohere in scripts that combine features, side by side with langchain-cohere (the
suite's server, readings and replies): errors by status caught as the cohere SDK's
classes in a batch with return_exceptions (each retried as its SDK retries), structured
output batched beside a failing call, a retry then a fallback, configurable fields
through config, a shared InMemoryRateLimiter."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.partners._combined_scripts import rate_limited_batch
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import plain_request
from tests.partners.cohere.test_cohere_sidebyside import DIFFERENCES
from tests.partners.cohere.test_cohere_sidebyside import KEY
from tests.partners.cohere.test_cohere_sidebyside import MODEL
from tests.partners.cohere.test_cohere_sidebyside import OurChatCohere
from tests.partners.cohere.test_cohere_sidebyside import _comparable_result
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies
from tests.partners.cohere.test_cohere_sidebyside import cohere_sdk
from tests.partners.cohere.test_cohere_sidebyside import langchain_cohere

_STATUSES = {"m-400": 400, "m-401": 401, "m-404": 404, "m-429": 429, "m-500": 500}
_WEATHER_JSON = json.dumps({"city": "Oslo", "degrees": 7})


def _by_model(seen: Seen) -> Any:
    """Each `m-<status>` model answers that status; any other the weather as JSON."""
    status = _STATUSES.get((seen.body or {}).get("model"))
    if status is not None:
        return cohere_replies(status=status, error=f"failed with {status}")(seen)
    return cohere_replies(_WEATHER_JSON)(seen)


def _model(cls: Any, url: str, model: str = MODEL, **settings: Any) -> Any:
    return cls(model=model, cohere_api_key=KEY, base_url=url, **settings)


def _caught(err: BaseException) -> list[Any]:
    classes = ("BadRequestError", "UnauthorizedError", "NotFoundError")
    classes += ("TooManyRequestsError", "InternalServerError")
    matched = [name for name in classes if isinstance(err, getattr(cohere_sdk, name))]
    matched += ["ApiError"] if isinstance(err, cohere_sdk.core.ApiError) else []
    return [matched, getattr(err, "status_code", None)]


def errors_by_status_in_batch(cls: Any, url: str) -> Any:
    out = []
    for model in _STATUSES:
        got = _model(cls, url, model=model).batch(["Hi"], return_exceptions=True)
        out.append([model, *(_caught(g) if isinstance(g, Exception) else g.content for g in got)])
    return out


def structured_batch_one_failing(cls: Any, url: str) -> Any:
    schema = {
        "title": "Weather",
        "type": "object",
        "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
        "required": ["city", "degrees"],
    }
    out = []
    for model in (MODEL, "m-429"):
        chain = _model(cls, url, model=model).with_structured_output(schema, method="json_schema")
        got = chain.batch(["Oslo?", "Rome?"], return_exceptions=True)
        out.append([_caught(g) if isinstance(g, Exception) else g for g in got])
    return out


def retry_then_fallback(cls: Any, url: str) -> Any:
    failing = _model(cls, url, model="m-500").with_retry(
        stop_after_attempt=2, wait_exponential_jitter=False
    )
    reply = failing.with_fallbacks([_model(cls, url)]).invoke("Hi")
    return [reply.content, reply.usage_metadata]


def configurable_fields_switch(cls: Any, url: str) -> Any:
    from langchain_core.runnables import ConfigurableField

    model = _model(cls, url, temperature=0.1).configurable_fields(
        temperature=ConfigurableField(id="temp"), model=ConfigurableField(id="model")
    )
    out = []
    for configurable in ({}, {"temp": 0.5}, {"temp": 0.9, "model": "command-r7b-12-2024"}):
        out.append(model.invoke("Hi", config={"configurable": configurable}).content)
    return out


SCRIPTS: dict[str, tuple[Any, Any]] = {
    "errors_by_status_in_batch": (_by_model, errors_by_status_in_batch),
    "structured_batch_one_failing": (_by_model, structured_batch_one_failing),
    "retry_then_fallback": (_by_model, retry_then_fallback),
    "configurable_fields_switch": (cohere_replies(), configurable_fields_switch),
    "rate_limited_batch": (
        cohere_replies(),
        lambda cls, url: rate_limited_batch(lambda **k: _model(cls, url, **k)),
    ),
}


@pytest.fixture(autouse=True)
def _retries_at_once(chatplex_retries_at_once: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sides' retries without their waits: chatplex's (`chatplex_retries_at_once`)
    and the cohere SDK's (its backoff, 1 s then 2 s, read from `_retry_timeout`). The
    attempts and the errors compared are each side's own."""
    from cohere.core import http_client

    monkeypatch.setattr(http_client, "_retry_timeout", lambda response, retries: 0.0)


SUITE = Suite(
    SCRIPTS,
    langchain_cohere.ChatCohere,
    OurChatCohere,
    # (v1's `schema` key, which langchain-cohere sends to /v2/chat: the suite's kept row)
    {"structured_batch_one_failing": DIFFERENCES["structured_schema"]},
    result=_comparable_result,
    request=plain_request,
    collect=True,
)
test_same_as_langchain_cohere = SUITE.same_test()
