"""ChatBedrock (InvokeModel) side by side in the probe_y set's scripts: Anthropic's own
`tool_choice` object carrying `disable_parallel_tool_use`; a credentials profile beside
keys (`_profile_scripts.py`); a forced tool bound with thinking on; thinking sent back
from a v1 reply's reasoning block and from `additional_kwargs`; a guardrail's
intervention told to the callbacks; a DeepSeek stream ending in `finish_reason:
"eos_token"`; a call's own `max_tokens` and `temperature` beside the model's. Compared as
`test_chatbedrock_sidebyside.py` compares its scripts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import merged
from tests.partners.bedrock import _profile_scripts
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import DEEPSEEK_R1
from tests.partners.bedrock.test_chatbedrock_sidebyside import GPT_OSS
from tests.partners.bedrock.test_chatbedrock_sidebyside import LLAMA
from tests.partners.bedrock.test_chatbedrock_sidebyside import MODEL
from tests.partners.bedrock.test_chatbedrock_sidebyside import THINKING_MODEL
from tests.partners.bedrock.test_chatbedrock_sidebyside import TITAN
from tests.partners.bedrock.test_chatbedrock_sidebyside import _chunk
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import prompt_invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import thinking

#: Anthropic's tool_choice objects with their parallel-calls flag, as a script gives them.
ONE_CALL_CHOICES = (
    {"type": "auto", "disable_parallel_tool_use": True},
    {"type": "any", "disable_parallel_tool_use": True},
    {"type": "tool", "name": "add", "disable_parallel_tool_use": True},
    {"type": "auto", "disable_parallel_tool_use": False},
)


def one_call_choice_bound(cls: Any, url: str) -> Any:
    """Each object bound by `bind_tools`, invoked and streamed: what is bound and sent."""
    out = []
    for choice in ONE_CALL_CHOICES:
        bound = make(cls, url).bind_tools([add], tool_choice=choice)
        out.append(
            [bound.kwargs, attempted(lambda b=bound: b.invoke("1+2?"))]
            + [attempted(lambda b=bound: merged(list(b.stream("1+2?"))))]
        )
    return out


def one_call_choice_per_call(cls: Any, url: str) -> Any:
    """The object given per call and by `bind`, awaited and streamed asynchronously."""
    choice = ONE_CALL_CHOICES[1]
    bound = make(cls, url).bind_tools([add])

    async def streamed() -> Any:
        return merged([c async for c in bound.bind(tool_choice=choice).astream("1+2?")])

    return [
        attempted(lambda: bound.invoke("1+2?", tool_choice=choice)),
        attempted(lambda: asyncio.run(bound.ainvoke("1+2?", tool_choice=choice))),
        attempted(lambda: asyncio.run(streamed())),
    ]


def one_call_choice_beside_parallel(cls: Any, url: str) -> Any:
    """The object and `parallel_tool_calls=False` given together to `bind_tools`."""
    bound = make(cls, url).bind_tools(
        [add], tool_choice=ONE_CALL_CHOICES[0], parallel_tool_calls=False
    )
    return bound.kwargs, attempted(lambda: bound.invoke("1+2?"))


THINKING_ON = {"thinking": {"type": "enabled", "budget_tokens": 1024}}


def _thinking_model(cls: Any, url: str) -> Any:
    return make(cls, url, model=THINKING_MODEL, model_kwargs=THINKING_ON)


def thinking_forced_choice(cls: Any, url: str) -> Any:
    """Thinking on (Claude 3.7) and each forced choice: refused by `bind_tools`."""
    choices = ("any", "required", "add", True, {"type": "tool", "name": "add"}, {"type": "any"})
    return [
        attempted(lambda c=c: _thinking_model(cls, url).bind_tools([add], tool_choice=c))
        for c in choices
    ]


def thinking_unforced_choice(cls: Any, url: str) -> Any:
    """Thinking on and a choice that forces nothing, or the schema of structured output:
    bound and called, sync and async."""
    auto = _thinking_model(cls, url).bind_tools([add], tool_choice="auto")
    structured = _thinking_model(cls, url).with_structured_output(add)
    return [
        auto.invoke("1+2?"),
        asyncio.run(auto.ainvoke("1+2?")),
        attempted(lambda: structured.invoke("1+2?")),
    ]


def _sent_back(model: Any, reply: Any) -> list[Any]:
    """`reply` to "1+2?" with its tool's result, sent back invoked and awaited."""
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    result = ToolMessage("3", tool_call_id=reply.tool_calls[0]["id"])
    history = [HumanMessage("1+2?"), reply, result]
    return [model.invoke(history), asyncio.run(model.ainvoke(history))]


def v1_thinking_sent_back(cls: Any, url: str) -> Any:
    """A v1 reply's signed reasoning block and tool call (invoked, and a stream merged),
    sent back with the tool's result."""
    model = make(cls, url, model=THINKING_MODEL, output_version="v1", model_kwargs=THINKING_ON)
    bound = model.bind_tools([add])
    invoked = bound.invoke("1+2?")
    streamed = merged(list(bound.stream("1+2?")))
    return [invoked, *_sent_back(bound, invoked), *_sent_back(bound, streamed)]


def thinking_in_additional_kwargs(cls: Any, url: str) -> Any:
    """A reply kept with string content and its thinking in `additional_kwargs` (older
    langchain-aws versions' shape), with and without text, sent back."""
    from langchain_core.messages import AIMessage

    said = {"thinking": {"text": "I should add.", "signature": "sig-1"}}
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "t1"}
    bound = _thinking_model(cls, url).bind_tools([add])
    return [
        _sent_back(bound, AIMessage(text, additional_kwargs=said, tool_calls=[call]))
        for text in ("", "Adding.")
    ]


GUARDRAIL = {"guardrailIdentifier": "g", "guardrailVersion": "1", "trace": True}


def intervened(answer: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """`answer`'s replies, a whole one's body saying a guardrail intervened (its trace
    beside it); streams as they are."""

    def changed(seen: Seen) -> Reply:
        reply = answer(seen)
        if seen.path.endswith("/invoke"):
            body = json.loads(b"".join(reply.pieces))
            body["amazon-bedrock-guardrailAction"] = "INTERVENED"
            body["amazon-bedrock-trace"] = {"guardrail": {"input": {"g": "blocked"}}}
            reply.pieces = [json.dumps(body).encode()]
        return reply

    return changed


def _told(make_model: Callable[..., Any]) -> Any:
    """What the callbacks are told of each call of the model `make_model(**settings)`
    makes (invoked, awaited, streamed), its guardrail's trace on and off: each event,
    an error's words and the keywords beside it."""
    from langchain_core.callbacks import BaseCallbackHandler

    class Told(BaseCallbackHandler):
        def __init__(self) -> None:
            self.events: list[Any] = []

        def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
            beside = {k: kwargs.get(k) for k in ("reason", "signal", "trace")}
            self.events.append(["on_llm_error", type(error).__name__, str(error), beside])

        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            self.events.append(["on_llm_end"])

    out = []
    for guardrails in (GUARDRAIL, {**GUARDRAIL, "trace": False}):
        model = make_model(guardrails=guardrails)
        for how in ("invoke", "ainvoke", "stream"):
            told = Told()
            config: Any = {"callbacks": [told]}
            if how == "invoke":
                model.invoke("Hi", config=config)
            elif how == "ainvoke":
                asyncio.run(model.ainvoke("Hi", config=config))
            else:
                list(model.stream("Hi", config=config))
            out.append(told.events)
    return out


def guardrail_told(cls: Any, url: str) -> Any:
    return _told(lambda **settings: make(cls, url, **settings))


def guardrail_told_llama(cls: Any, url: str) -> Any:
    return _told(lambda **settings: make(cls, url, model=LLAMA, **settings))


def deepseek_eos_stream(seen: Seen) -> Reply:
    """A DeepSeek stream whose last event says `finish_reason: "eos_token"` and no
    `stop_reason` (with the invocation's metrics)."""
    metrics = {"inputTokenCount": 3, "outputTokenCount": 4, "invocationLatency": 321}
    events = [
        {"choices": [{"text": "The ", "stop_reason": None}]},
        {"choices": [{"text": "answer.", "stop_reason": None}]},
        {
            "choices": [{"text": "", "finish_reason": "eos_token"}],
            "amazon-bedrock-invocationMetrics": metrics,
        },
    ]
    frames = [_chunk(event) for event in events]
    return Reply(200, frames, "application/vnd.amazon.eventstream", {"x-amzn-requestid": "r1"})


def deepseek_eos_streamed(cls: Any, url: str) -> Any:
    """The stream's chunks, sync and async, and an invoke that streams."""
    model = make(cls, url, model=DEEPSEEK_R1)

    async def astreamed() -> list[Any]:
        return [c async for c in model.astream("Hi")]

    streaming = make(cls, url, model=DEEPSEEK_R1, streaming=True)
    return [
        attempted(lambda: list(model.stream("Hi"))),
        attempted(lambda: asyncio.run(astreamed())),
        attempted(lambda: streaming.invoke("Hi")),
    ]


def _called_with(model: Any, **settings: Any) -> list[Any]:
    """`model` invoked, awaited and streamed (the stream's text) with the call's own
    `settings`."""
    return [
        model.invoke("Hi", **settings),
        asyncio.run(model.ainvoke("Hi", **settings)),
        "".join(chunk.text for chunk in model.stream("Hi", **settings)),
    ]


def call_settings_over_model(cls: Any, url: str) -> Any:
    """The model's `max_tokens` and `temperature`, and a call's own."""
    model = make(cls, url, max_tokens=100, temperature=0.9)
    return _called_with(model, max_tokens=50, temperature=0.1)


def gpt_oss_call_max_tokens(cls: Any, url: str) -> Any:
    """A gpt-oss model's call with its own `max_tokens`, the model's set or not."""
    return [
        _called_with(make(cls, url, model=GPT_OSS, max_tokens=100), max_tokens=50),
        _called_with(make(cls, url, model=GPT_OSS), max_tokens=50),
    ]


def llama_call_max_tokens(cls: Any, url: str) -> Any:
    return _called_with(make(cls, url, model=LLAMA), max_tokens=50)


def titan_call_max_tokens(cls: Any, url: str) -> Any:
    return _called_with(make(cls, url, model=TITAN), max_tokens=50)


def _model_settings_sent(outcome: Outcome) -> Outcome:
    """Their bodies with the model's `max_tokens` and `temperature` (100, 0.9), ours
    with the call's (50, 0.1), and nothing else different: read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert len(their_requests) == len(our_requests) == 3, (their_requests, our_requests)
    for their_request, our_request in zip(their_requests, our_requests, strict=True):
        sent = {k: our_request["body"].pop(k) for k in ("max_tokens", "temperature")}
        held = {k: their_request["body"].pop(k) for k in ("max_tokens", "temperature")}
        assert (held, sent) == (
            {"max_tokens": 100, "temperature": 0.9},
            {"max_tokens": 50, "temperature": 0.1},
        )
    return theirs, ours, their_requests, their_requests


def _renamed(where: str | None, key: str) -> Callable[[Outcome], Outcome]:
    """Their bodies with the call's `max_tokens` under that raw key (in the body, or in
    its field `where`), ours under the family's own `key`: read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for request in their_requests:
            fields = request["body"][where] if where else request["body"]
            assert fields.pop("max_tokens") == 50, fields
            fields[key] = 50
        return theirs, ours, their_requests, our_requests

    return normalise


#: langchain-aws's ChatBedrock sends the model's own over a call's.
MODEL_OVER_CALL = Difference(
    Reason.LOSES_DATA,
    "a call's own `max_tokens` and `temperature` (`invoke(..., max_tokens=50)`) are "
    "dropped where the model has its own: the model's are sent (an Anthropic model's "
    "body; a temperature for every family; `max_tokens` where the family's key is "
    "that name: Mistral, DeepSeek, Qwen)",
    "the call's own settings are sent, as a call's `stop` and `top_p` are",
)
#: ... and a call's max_tokens under that raw key, which Llama's and Titan's bodies lack.
RAW_MAX_TOKENS = Difference(
    Reason.REJECTED,
    "sends a call's own `max_tokens` under that name, which the model's body does not "
    "take (Meta Llama's is `max_gen_len`, Amazon Titan's `textGenerationConfig.maxTokenCount`): "
    "Bedrock refuses the request",
    "the call's `max_tokens` is sent under the family's own key, as the model's is",
)
DIFFERENCES: dict[str, Any] = {
    "call_settings_over_model": (MODEL_OVER_CALL, _model_settings_sent),
    "llama_call_max_tokens": (RAW_MAX_TOKENS, _renamed(None, "max_gen_len")),
    "titan_call_max_tokens": (RAW_MAX_TOKENS, _renamed("textGenerationConfig", "maxTokenCount")),
}

_CALLED = invoke(ADD_CALL, stop="tool_use")
_THOUGHT_CALL = invoke(thinking("Adding."), ADD_CALL, stop="tool_use")
SCRIPTS = {
    "one_call_choice_bound": (_CALLED, one_call_choice_bound),
    "one_call_choice_per_call": (_CALLED, one_call_choice_per_call),
    "one_call_choice_beside_parallel": (_CALLED, one_call_choice_beside_parallel),
    **_profile_scripts.rows(make, invoke(), MODEL),
    "thinking_forced_choice": (_CALLED, thinking_forced_choice),
    "thinking_unforced_choice": (_THOUGHT_CALL, thinking_unforced_choice),
    "v1_thinking_sent_back": (_THOUGHT_CALL, v1_thinking_sent_back),
    "thinking_in_additional_kwargs": (_THOUGHT_CALL, thinking_in_additional_kwargs),
    "guardrail_told": (intervened(invoke()), guardrail_told),
    "deepseek_eos_streamed": (deepseek_eos_stream, deepseek_eos_streamed),
    "call_settings_over_model": (invoke(), call_settings_over_model),
    "gpt_oss_call_max_tokens": (prompt_invoke("openai"), gpt_oss_call_max_tokens),
    "llama_call_max_tokens": (prompt_invoke("meta"), llama_call_max_tokens),
    "titan_call_max_tokens": (prompt_invoke("amazon"), titan_call_max_tokens),
    "guardrail_told_llama": (intervened(prompt_invoke("meta")), guardrail_told_llama),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_y_same_as_langchain_aws_chatbedrock = SUITE.same_test()
