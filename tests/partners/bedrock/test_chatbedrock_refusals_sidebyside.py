"""ChatBedrock (InvokeModel) side by side where langchain-aws refuses what a script gives:
a call's `system=` and `prompt=` keywords (its own parameters beside them), structured
output on a model that is no Claude model, `stop` as one string, `guardrails=None`, a
model ARN without `provider=`, and LangChain's `ChatMessage`. Compared as
`test_chatbedrock_sidebyside.py` compares its scripts; where chatplex does not refuse,
the row is kept (`DIFFERENCES`) and its normaliser checks both outcomes first."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import text_stop_bare
from tests.partners._sidebyside import text_stop_kept
from tests.partners._sidebyside import text_stop_refused
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import BEDROCK
from tests.partners.bedrock.test_chatbedrock_sidebyside import DEEPSEEK_R1
from tests.partners.bedrock.test_chatbedrock_sidebyside import LLAMA
from tests.partners.bedrock.test_chatbedrock_sidebyside import MISTRAL
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import prompt_invoke


async def _astreamed(model: Any, given: Any, **keywords: Any) -> list[Any]:
    return [chunk async for chunk in model.astream(given, **keywords)]


def _each_way(model: Any, given: Any = "Hi", **keywords: Any) -> list[Any]:
    """`model` invoked, awaited, streamed and streamed asynchronously on `given` with the
    call's `keywords`, each attempted (a reply's text, a stream's chunk count)."""
    return [
        attempted(lambda: model.invoke(given, **keywords).content),
        attempted(lambda: asyncio.run(model.ainvoke(given, **keywords)).content),
        attempted(lambda: len(list(model.stream(given, **keywords)))),
        attempted(lambda: len(asyncio.run(_astreamed(model, given, **keywords)))),
    ]


def _own_keywords(model: Callable[..., Any]) -> Any:
    """`system=` and `prompt=` given to a call each way, bound, and to an invoke that
    streams (`streaming=True`)."""
    out = []
    for name in ("system", "prompt"):
        given = {name: "Be brief."}
        out.append(_each_way(model(), **given))
        out.append(attempted(lambda g=given: model().bind(**g).invoke("Hi").content))
        out.append(attempted(lambda g=given: model(streaming=True).invoke("Hi", **g).content))
    return out


def own_keywords_per_call(cls: Any, url: str) -> Any:
    return _own_keywords(lambda **settings: make(cls, url, **settings))


def own_keywords_per_call_llama(cls: Any, url: str) -> Any:
    return _own_keywords(lambda **settings: make(cls, url, model=LLAMA, **settings))


def structured_not_claude(cls: Any, url: str) -> Any:
    """`with_structured_output` on models of other families, each method, and on a
    Claude model (bound, not called)."""
    out = [
        attempted(lambda m=m, w=w: type(make(cls, url, model=m).with_structured_output(add, **w)))
        for m in (LLAMA, MISTRAL, DEEPSEEK_R1)
        for w in ({}, {"method": "json_schema"}, {"include_raw": True})
    ]
    out.append(attempted(lambda: type(make(cls, url).with_structured_output(add)).__name__))
    return out


def guardrails_none(cls: Any, url: str) -> Any:
    """`guardrails=None` given to the constructor, then called each way."""
    return _each_way(make(cls, url, guardrails=None))


def guardrails_none_llama(cls: Any, url: str) -> Any:
    return _each_way(make(cls, url, model=LLAMA, guardrails=None))


ARN = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123"


def _caught(run: Callable[[], Any]) -> Any:
    """What `run` returned, or whether what it raised is the ValueError a script catches
    (pydantic's ValidationError is one)."""
    try:
        return run()
    except ValueError:
        return "ValueError"


def arn_without_provider(cls: Any, url: str) -> Any:
    """A model ARN with no `provider=`: built, and called."""
    return {
        "built": _caught(lambda: make(cls, url, model=ARN) and "built"),
        "called": _caught(lambda: make(cls, url, model=ARN).invoke("Hi")),
    }


def chat_messages(cls: Any, url: str) -> Any:
    """LangChain's `ChatMessage` of each role chatplex knows, and of one it does not,
    sent to an Anthropic model each way."""
    from langchain_core.messages import ChatMessage
    from langchain_core.messages import HumanMessage

    return {
        role: _each_way(make(cls, url), [ChatMessage(role=role, content="Hi"), *after])
        for role, after in (
            ("user", []),
            ("assistant", [HumanMessage("And?")]),
            ("system", [HumanMessage("Hi")]),
            ("critic", [HumanMessage("Hi")]),
        )
    }


def _stop_sequences(body: dict[str, Any]) -> Any:
    return body.get("stop_sequences")


def _refused_before_sending(error: str) -> Callable[[Outcome], Outcome]:
    """A kept RAISES row's normaliser: every one of their attempts raised `error` (a
    class name) before any request; none of ours did, and each sent its request. Then
    ours is read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert not their_requests and _all(theirs, lambda v: v == {"refused": error}), theirs
        assert our_requests and _all(ours, lambda v: not _refused(v)), ours
        return theirs, theirs, their_requests, their_requests

    return normalise


def _all(value: Any, check: Callable[[Any], bool]) -> bool:
    items = value.values() if isinstance(value, dict) and "refused" not in value else value
    return all(check(v) for v in items)


def _refused(value: Any) -> bool:
    return isinstance(value, dict) and "refused" in value


def _arn_refused_when_built(outcome: Outcome) -> Outcome:
    """Theirs built, then refused the call; ours refused to build: both a ValueError,
    neither sent a request. Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"built": "built", "called": "ValueError"}, theirs
    assert ours == {"built": "ValueError", "called": "ValueError"}, ours
    assert not their_requests and not our_requests
    return theirs, theirs, their_requests, our_requests


def _known_roles_sent(outcome: Outcome) -> Outcome:
    """Theirs refused every ChatMessage with a KeyError before any request; ours sent the
    known roles' (12 requests: three roles, four ways) and refused the unknown one with
    a ValueError. Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert not their_requests and all(
        v == [{"refused": "KeyError"}] * 4 for v in theirs.values()
    ), theirs
    assert ours.pop("critic") == [{"refused": "ValueError"}] * 4, ours
    assert len(our_requests) == 12 and _all(ours, lambda way: not any(map(_refused, way)))
    return theirs, theirs, their_requests, their_requests


GUARDRAILS_NONE = Difference(
    Reason.RAISES,
    "builds the model with `guardrails=None`, then every call (invoke, stream, async) "
    "raises AttributeError (`'NoneType' object has no attribute 'get'`) before any request",
    "`guardrails=None` is no guardrail: each call is sent without one, as with the field left out",
)
ARN_WITHOUT_PROVIDER = Difference(
    Reason.RAISES,
    "builds a model given a model ARN and no `provider=`, then every call raises "
    "ValueError (`Model provider should be supplied when passing a model ARN as "
    "model_id`)",
    "the constructor raises that ValueError (pydantic's ValidationError) naming "
    "`provider=`: the model the call would fail on is never built",
)
CHAT_MESSAGE = Difference(
    Reason.RAISES,
    "refuses LangChain's `ChatMessage` of any role (`ChatMessage(role='user', ...)`) on "
    "an Anthropic model with a KeyError (`'chat'`), before any request",
    "a ChatMessage of a role Anthropic's API has a turn for (user, assistant, system, "
    "and their LangChain names) is sent as that turn; any other role is refused with a "
    "ValueError naming the known roles, before any request",
)
_STOP_TEXT = (
    text_stop_refused("stop_sequences"),
    text_stop_bare(
        "stop_sequences",
        "which Anthropic's Messages API on Bedrock refuses (its field is a list of strings)",
    ),
)
DIFFERENCES: dict[str, Any] = {
    "stop_text": (_STOP_TEXT, text_stop_kept(None, _stop_sequences)),
    "guardrails_none": (GUARDRAILS_NONE, _refused_before_sending("AttributeError")),
    "guardrails_none_llama": (GUARDRAILS_NONE, _refused_before_sending("AttributeError")),
    "arn_without_provider": (ARN_WITHOUT_PROVIDER, _arn_refused_when_built),
    "chat_messages": (CHAT_MESSAGE, _known_roles_sent),
}

SCRIPTS = {
    "own_keywords_per_call": (invoke(), own_keywords_per_call),
    "own_keywords_per_call_llama": (prompt_invoke("meta"), own_keywords_per_call_llama),
    "structured_not_claude": (invoke(), structured_not_claude),
    "stop_text": (invoke(), BEDROCK.stop_text),
    "guardrails_none": (invoke(), guardrails_none),
    "guardrails_none_llama": (prompt_invoke("meta"), guardrails_none_llama),
    "arn_without_provider": (invoke(), arn_without_provider),
    "chat_messages": (invoke(), chat_messages),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_refusals_same_as_langchain_aws_chatbedrock = SUITE.same_test()
