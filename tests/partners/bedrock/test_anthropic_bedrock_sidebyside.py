"""ChatAnthropicBedrock side by side: each script runs with langchain-aws's
`ChatAnthropicBedrock` (langchain-anthropic's `ChatAnthropic` on the anthropic SDK's
`AnthropicBedrock` client, pointed at the server by `ANTHROPIC_BEDROCK_BASE_URL` with fake
static credentials) and with chatplex's, the same constructor call against the same
scripted InvokeModel server (ChatBedrock's suite's replies: Anthropic's Messages reply,
and event-stream `chunk` events of Anthropic's stream events). What each returns or
raises is compared, with the requests the server got: method, path, body, how they are
signed (not the signature, which holds a date) and the headers a script decides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import error_classes
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import sum_schema
from tests.partners.anthropic.test_anthropic_probe_y_scripts import (
    DIFFERENCES as ANTHROPIC_DIFFERENCES,
)
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_request
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - the autouse fixture: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import text
from tests.partners.bedrock.test_chatbedrock_sidebyside import thinking

langchain_aws = pytest.importorskip("langchain_aws")
anthropic = pytest.importorskip("anthropic")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatAnthropicBedrock as OurChatAnthropicBedrock  # noqa: E402

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
#: The anthropic SDK's variable for the Bedrock endpoint (its class has no field for it).
ENDPOINT = "ANTHROPIC_BEDROCK_BASE_URL"
#: Request headers a script decides (betas, guardrails, its own), compared.
COMPARED_HEADERS = ("anthropic-beta", "anthropic-version", "content-type", "x-custom")
#: The anthropic SDK's error classes a script catches.
ANTHROPIC_ERRORS = (
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "InternalServerError",
)


@pytest.fixture(autouse=True)
def bedrock_endpoint(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(ENDPOINT, server.url)
    yield


def make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(**{"model": MODEL, "region_name": "us-east-1", **KEYS, **settings})


def anthropic_error(err: BaseException) -> dict[str, Any]:
    """An error as a script on the anthropic SDK reads it."""
    fields = ("status_code", "body", "type", "message")
    return {
        **error_classes(err, anthropic, ANTHROPIC_ERRORS),
        "class": type(err).__name__,
        **{n: getattr(err, n, None) for n in fields},
    }


def failed(run: Any) -> dict[str, Any]:
    return anthropic_error(raised(run)["error"])


# ---- the scripts: (server reply, script(ChatAnthropicBedrock, url) -> result) ----------


def invoke_text(cls: Any, url: str) -> Any:
    return make(cls, url).invoke("Say hello")


def invoke_messages(cls: Any, url: str) -> Any:
    model = make(cls, url, temperature=0, max_tokens=64, top_p=0.5)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])


def ainvoke_text(cls: Any, url: str) -> Any:
    return asyncio.run(make(cls, url).ainvoke("Say hello"))


def stream_chunks(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).stream("Say hello"))
    return {"chunks": chunks, "merged": merged(chunks)}


def astream_chunks(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in make(cls, url).astream("Say hello")]

    chunks = asyncio.run(run())
    return {"chunks": chunks, "merged": merged(chunks)}


def stream_usage_off(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url, stream_usage=False).stream("Say hello")))


def streaming_invoke(cls: Any, url: str) -> Any:
    return make(cls, url, streaming=True).invoke("Say hello")


def tool_call_invoke(cls: Any, url: str) -> Any:
    return make(cls, url).bind_tools([add]).invoke("What is 1+2?")


def tool_call_stream(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url).bind_tools([add]).stream("What is 1+2?")))


def tool_choice_forced(cls: Any, url: str) -> Any:
    return make(cls, url).bind_tools([add], tool_choice="add").invoke("What is 1+2?")


def tool_result_sent_back(cls: Any, url: str) -> Any:
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_abc123"}
    history = [
        lc.HumanMessage("What is 1+2?"),
        lc.AIMessage("", tool_calls=[call]),
        lc.ToolMessage("3", tool_call_id="toolu_abc123"),
    ]
    return make(cls, url).bind_tools([add]).invoke(history)


def structured_function_calling(cls: Any, url: str) -> Any:
    return make(cls, url).with_structured_output(sum_schema()).invoke("What is 1+2?")


def structured_json_schema(cls: Any, url: str) -> Any:
    structured = make(cls, url).with_structured_output(sum_schema(), method="json_schema")
    return structured.invoke("What is 1+2?")


def structured_include_raw(cls: Any, url: str) -> Any:
    structured = make(cls, url).with_structured_output(sum_schema(), include_raw=True)
    return structured.invoke("What is 1+2?")


_THINKING = {"type": "enabled", "budget_tokens": 1024}


def thinking_invoke(cls: Any, url: str) -> Any:
    return make(cls, url, thinking=_THINKING, max_tokens=2048).invoke("Think")


def thinking_stream(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url, thinking=_THINKING, max_tokens=2048).stream("Think")))


def betas_given(cls: Any, url: str) -> Any:
    return make(cls, url, betas=["context-1m-2025-08-07"]).invoke("Say hello")


def stop_words_given(cls: Any, url: str) -> Any:
    return make(cls, url, stop=["END"]).invoke("Say hello", stop=["STOP"])


def cache_usage(cls: Any, url: str) -> Any:
    return make(cls, url).invoke("Say hello")


def cache_usage_stream(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).stream("Say hello"))
    return {"usage": [c.usage_metadata for c in chunks], "merged": merged(chunks)}


_GUARDRAIL = {"guardrailIdentifier": "gr-1", "guardrailVersion": "2", "trace": "enabled"}


def guardrail_headers(cls: Any, url: str) -> Any:
    return make(cls, url, guardrail_config=_GUARDRAIL).invoke("Say hello")


def guardrails_alias(cls: Any, url: str) -> Any:
    return make(cls, url, guardrails=_GUARDRAIL).invoke("Say hello")


def refusal(run: Any) -> dict[str, Any]:
    """The class and words of what `run` raised: a validation error's errors, without the
    input pydantic quotes (chatplex's hide it: they may hold keys)."""
    err = raised(run)["error"]
    if hasattr(err, "errors"):
        return {
            "class": type(err).__name__,
            "errors": err.errors(include_input=False, include_context=False),
        }
    return {"class": type(err).__name__, "words": str(err)}


def guardrail_incomplete(cls: Any, url: str) -> Any:
    return refusal(lambda: make(cls, url, guardrail_config={"guardrailIdentifier": "g"}))


def guardrail_per_call(cls: Any, url: str) -> Any:
    other = {"guardrailIdentifier": "gr-other", "guardrailVersion": "3"}
    model = make(cls, url, guardrails=_GUARDRAIL)
    return {"reply": model.invoke("Say hello", guardrail_config=other), "again": model.invoke("Hi")}


def base_url_given(cls: Any, url: str) -> Any:
    """A base URL given (ChatAnthropic's field): held, the calls go to Bedrock's endpoint."""
    model = make(cls, url, base_url="http://127.0.0.1:9/elsewhere")
    return {"held": model.anthropic_api_url, "reply": model.invoke("Say hello")}


def profile_keyword(cls: Any, url: str) -> Any:
    """`credentials_profile_name`, a field of langchain-aws's other classes, not this one."""
    return refusal(lambda: make(cls, url, credentials_profile_name="dev").invoke("Say hello"))


def default_headers_sent(cls: Any, url: str) -> Any:
    return make(cls, url, default_headers={"X-Custom": "yes"}).invoke("Say hello")


def model_kwargs_sent(cls: Any, url: str) -> Any:
    built, said = constructed(lambda: make(cls, url, model_kwargs={"metadata": {"user_id": "u"}}))
    return {**said, "reply": built.invoke("Say hello")}


def session_token(cls: Any, url: str) -> Any:
    return make(cls, url, aws_session_token="a-session-token").invoke("Say hello")


def batch_texts(cls: Any, url: str) -> Any:
    return make(cls, url).batch(["one", "two"])


def default_max_tokens(cls: Any, url: str) -> Any:
    model = make(cls, url)
    return {"max_tokens": model.max_tokens, "reply": model.invoke("Say hello")}


def fields_held(cls: Any, url: str) -> Any:
    model = make(cls, url, aws_session_token="a-session-token", guardrails=_GUARDRAIL)
    return {
        "repr": repr(model),
        "llm_type": model._llm_type,
        "secrets": model.lc_secrets,
        "ls": model._get_ls_params(),
        "identifying": model._identifying_params,
        "dump": model.model_dump(),
        "namespace": model.get_lc_namespace(),
    }


def what_a_tracer_reads(cls: Any, url: str) -> Any:
    """Its LangSmith params, of the model as built and of calls overriding its settings."""
    calls = [{}, {"stop": ["x"], "temperature": 0.2}, {"model": "other-model", "max_tokens": 9}]
    return [
        make(cls, url, **settings)._get_ls_params(**call)
        for settings in ({}, {"temperature": 0, "max_tokens": 100, "stop": ["s"]})
        for call in calls
    ]


def token_count(cls: Any, url: str) -> Any:
    return repr(
        raised(lambda: make(cls, url).get_num_tokens_from_messages([lc.HumanMessage("hi")]))
    )


def error_validation(cls: Any, url: str) -> Any:
    return failed(lambda: make(cls, url, max_retries=0).invoke("Say hello"))


def error_throttled(cls: Any, url: str) -> Any:
    return failed(lambda: make(cls, url, max_retries=0).invoke("Say hello"))


def error_server(cls: Any, url: str) -> Any:
    return failed(lambda: make(cls, url, max_retries=0).invoke("Say hello"))


def error_stream_exception(cls: Any, url: str) -> Any:
    return repr(raised(lambda: list(make(cls, url, max_retries=0).stream("Say hello"))))


CACHED = (12, 7, 30, 5)
SCRIPTS: dict[str, tuple[Any, Any]] = {
    "invoke_text": (invoke(), invoke_text),
    "invoke_messages": (invoke(), invoke_messages),
    "ainvoke_text": (invoke(), ainvoke_text),
    "stream_chunks": (invoke(), stream_chunks),
    "astream_chunks": (invoke(), astream_chunks),
    "stream_usage_off": (invoke(), stream_usage_off),
    "streaming_invoke": (invoke(), streaming_invoke),
    "tool_call_invoke": (invoke(ADD_CALL, stop="tool_use"), tool_call_invoke),
    "tool_call_stream": (invoke(ADD_CALL, stop="tool_use"), tool_call_stream),
    "tool_choice_forced": (invoke(ADD_CALL, stop="tool_use"), tool_choice_forced),
    "tool_result_sent_back": (invoke(text("It is 3.")), tool_result_sent_back),
    "structured_function_calling": (
        invoke({**ADD_CALL, "name": "Sum", "input": {"total": 3}}, stop="tool_use"),
        structured_function_calling,
    ),
    "structured_json_schema": (invoke(text('{"total": 3}')), structured_json_schema),
    "structured_include_raw": (
        invoke({**ADD_CALL, "name": "Sum", "input": {"total": 3}}, stop="tool_use"),
        structured_include_raw,
    ),
    "thinking_invoke": (invoke(thinking("Hmm, 1+2."), text("3")), thinking_invoke),
    "thinking_stream": (invoke(thinking("Hmm, 1+2."), text("3")), thinking_stream),
    "betas_given": (invoke(), betas_given),
    "stop_words_given": (invoke(stop="stop_sequence"), stop_words_given),
    "cache_usage": (invoke(counts=CACHED), cache_usage),
    "cache_usage_stream": (invoke(counts=CACHED), cache_usage_stream),
    "guardrail_headers": (invoke(), guardrail_headers),
    "guardrails_alias": (invoke(), guardrails_alias),
    "guardrail_incomplete": (invoke(), guardrail_incomplete),
    "guardrail_per_call": (invoke(), guardrail_per_call),
    "base_url_given": (invoke(), base_url_given),
    "profile_keyword": (invoke(), profile_keyword),
    "default_headers_sent": (invoke(), default_headers_sent),
    "model_kwargs_sent": (invoke(), model_kwargs_sent),
    "session_token": (invoke(), session_token),
    "batch_texts": (invoke(), batch_texts),
    "default_max_tokens": (invoke(), default_max_tokens),
    "fields_held": (invoke(), fields_held),
    "token_count": (invoke(), token_count),
    "what_a_tracer_reads": (invoke(), what_a_tracer_reads),
    "error_validation": (
        invoke(status=400, error=("ValidationException", "messages: field required")),
        error_validation,
    ),
    "error_throttled": (
        invoke(status=429, error=("ThrottlingException", "Too many requests")),
        error_throttled,
    ),
    "error_server": (
        invoke(status=500, error=("InternalServerException", "Something broke")),
        error_server,
    ),
    "error_stream_exception": (
        invoke(stream_error=("throttlingException", "Too many tokens")),
        error_stream_exception,
    ),
}

#: The model the scripted replies name.
REPLY_MODEL = "claude-3-5-haiku-20241022"


def _model_named(outcome: Outcome) -> Outcome:
    """Theirs streamed without the opening chunk; ours with it, naming the model, as it
    streams with the usage asked for. Then ours read as theirs, once that is seen."""
    theirs, ours, their_requests, our_requests = outcome
    shown = dict(ours["response_metadata"])
    assert shown.pop("model_name") == REPLY_MODEL, shown
    assert "model_name" not in theirs["response_metadata"], theirs
    assert {**ours, "response_metadata": shown} == theirs, (ours, theirs)
    return theirs, theirs, their_requests, our_requests


def _refused_when_built(outcome: Outcome) -> Outcome:
    """Theirs built the model and raised at the call, in the SDK's words; ours refused
    the keyword when built, a TypeError too. Neither sent a request. Then ours read as
    theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {
        "class": "TypeError",
        "words": "Messages.create() got an unexpected keyword argument 'credentials_profile_name'",
    }, theirs
    assert ours["class"] == "SettingRefused", ours
    assert "'credentials_profile_name'" in ours["words"], ours
    assert their_requests == our_requests == []
    return theirs, theirs, their_requests, our_requests


#: The body's `anthropic_version`: the anthropic SDK's API version (theirs), Bedrock's
#: (ours).
THEIR_VERSION, OUR_VERSION = "2026-10-21", "bedrock-2023-05-31"
VERSION_WHY = Difference(
    Reason.REJECTED,
    "sends the anthropic SDK's own API version as the body's `anthropic_version` "
    '(`"2026-10-21"`), where Bedrock takes an Anthropic model\'s InvokeModel body only with '
    '`anthropic_version: "bedrock-2023-05-31"` (its documented value)',
    'the body\'s `anthropic_version` is `"bedrock-2023-05-31"`, as Bedrock documents it',
)


def _bedrock_version(outcome: Outcome) -> Outcome:
    """Theirs sent the SDK's version in every body, ours Bedrock's; the rest the same.
    Then our requests read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert their_requests and len(our_requests) == len(their_requests)
    assert all(r["body"]["anthropic_version"] == THEIR_VERSION for r in their_requests)
    assert all(r["body"]["anthropic_version"] == OUR_VERSION for r in our_requests)
    read = [{**r, "body": {**r["body"], "anthropic_version": THEIR_VERSION}} for r in our_requests]
    return theirs, ours, their_requests, read


def _both(first: Any, then: Any) -> Any:
    return lambda outcome: then(first(outcome))


#: Scripts that send no request (refused before one, or none asked).
UNSENT = (
    "guardrail_incomplete",
    "token_count",
    "profile_keyword",
    "fields_held",
    "what_a_tracer_reads",
)

#: Kept differences (script -> (why, normaliser)): Bedrock's version in every body sent,
#: and ChatAnthropic's, which it inherits.
DIFFERENCES: dict[str, tuple[Why, Any]] = {
    name: (VERSION_WHY, _bedrock_version) for name in SCRIPTS if name not in UNSENT
}
DIFFERENCES["stream_usage_off"] = (
    (VERSION_WHY, ANTHROPIC_DIFFERENCES["stream_usage_off"][0]),
    _both(_bedrock_version, _model_named),
)
DIFFERENCES["profile_keyword"] = (
    Difference(
        Reason.RAISES,
        "takes a keyword it has no field for (`credentials_profile_name=`, a field of "
        "langchain-aws's other Bedrock classes) into `model_kwargs` with a warning, then "
        "raises TypeError at every call (`Messages.create() got an unexpected keyword "
        "argument`)",
        "the constructor raises TypeError (`SettingRefused`), naming the keyword, before "
        "any request",
    ),
    _refused_when_built,
)


def _request(seen: Seen) -> Any:
    """A request as the Bedrock suites compare it (method, path, body, how it is signed),
    and the headers a script decides, Bedrock's guardrail options among them."""
    decided = {
        k: v
        for k, v in seen.headers.items()
        if k in COMPARED_HEADERS or k.startswith("x-amzn-bedrock-")
    }
    token = seen.headers.get("x-amz-security-token")
    return {**_comparable_request(seen), "headers": decided, "session_token": token}


SUITE = Suite(
    SCRIPTS,
    langchain_aws.ChatAnthropicBedrock,
    OurChatAnthropicBedrock,
    DIFFERENCES,
    result=observe,
    request=_request,
    collect=True,
)
test_same_as_langchain_aws = SUITE.same_test()
test_at_least_25_scripts = SUITE.tables_test()
