"""ChatBedrockConverse side by side in scripts that send images and a PDF as LangChain's
standard blocks (and an image as a data URL), read a reply of reasoning, text and a tool
call as `content_blocks`, give inference keywords by `bind(...)`, make the model
configurable (`configurable_fields`) and send back invalid tool calls a tool result
answers. Compared as the suite of `test_bedrock_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_probe_t_scripts import PDF
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_probe_o import CONFIGURED_REFUSED
from tests.partners.bedrock.test_bedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make
from tests.partners.bedrock.test_bedrock_sidebyside import reasoning
from tests.partners.bedrock.test_bedrock_sidebyside import text


def standard_media_blocks(cls: Any, url: str) -> Any:
    """An image and a PDF by base64 as LangChain's standard blocks, and an image as a
    data URL (the OpenAI form scripts carry over)."""
    from langchain_core.messages import HumanMessage

    message = HumanMessage(
        content=[
            {"type": "text", "text": "Compare these."},
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
            {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "a.pdf"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        ]
    )
    return make(cls, url).invoke([message])


def reasoning_call_as_blocks(cls: Any, url: str) -> Any:
    """A reply of reasoning, text and a tool call read as `content_blocks`: invoked, and
    streamed and merged."""
    bound = make(cls, url).bind_tools([add])
    reply = bound.invoke("1+2?")
    whole = merged(list(bound.stream("1+2?")))
    return {"invoked": reply.content_blocks, "streamed": whole.content_blocks}


def bound_inference_keywords(cls: Any, url: str) -> Any:
    """Inference settings given by `bind(...)`: invoked and streamed."""
    bound = make(cls, url).bind(temperature=0.1, max_tokens=50, top_p=0.5, stop=["END"])
    return [bound.invoke("Hi"), merged(list(bound.stream("Hi")))]


def configured_per_call(cls: Any, url: str) -> Any:
    """`configurable_fields(temperature=..., max_tokens=...)`: calls with no
    configuration, a temperature, a cap, and a stream with a cap, each attempted."""
    from langchain_core.runnables import ConfigurableField

    fields = {name: ConfigurableField(id=name) for name in ("temperature", "max_tokens")}
    model = make(cls, url).configurable_fields(**fields)
    configured = [{}, {"temperature": 0.3}, {"max_tokens": 42}]
    out = [
        attempted(lambda c=c: model.invoke("Hi", config={"configurable": c})) for c in configured
    ]
    streamed = {"configurable": {"max_tokens": 7}}
    out.append(attempted(lambda: merged(list(model.stream("Hi", config=streamed)))))
    return out


def invalid_calls_answered(cls: Any, url: str) -> Any:
    """Histories whose AIMessage holds an invalid tool call (arguments none, no JSON, a
    JSON object) a ToolMessage answers, then a new question; and one no result answers:
    invoked, the first also awaited."""
    import asyncio

    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    def bad(args: str | None) -> dict[str, Any]:
        return {
            "name": "add",
            "args": args,
            "id": "t1",
            "error": "bad",
            "type": "invalid_tool_call",
        }

    ask, then = HumanMessage("1+2?"), HumanMessage("And now?")
    answer = ToolMessage("error: bad arguments", tool_call_id="t1", status="error")
    histories = [
        [ask, AIMessage("Hmm.", invalid_tool_calls=[bad(a)]), answer, then]
        for a in (None, "{1,", '{"a": 2}')
    ]
    histories.append([ask, AIMessage("Hmm.", invalid_tool_calls=[bad("{1,")]), then])
    chat = make(cls, url).bind_tools([add])
    out = [chat.invoke(history) for history in histories]
    return [*out, asyncio.run(chat.ainvoke(histories[0]))]


def _answered_calls_left_out(outcome: Outcome) -> Outcome:
    """Our answered invalid calls' toolUse blocks (input none where the arguments parse
    as no object) taken out, once seen: then theirs, which left every invalid call out
    while sending the results answering them."""
    theirs, ours, their_requests, our_requests = outcome
    uses = []
    for request in our_requests:
        turn = request["body"]["messages"][1]
        uses += [b["toolUse"]["input"] for b in turn["content"] if "toolUse" in b]
        turn["content"] = [b for b in turn["content"] if "toolUse" not in b]
    # (the three answered, the first twice; the unanswered one is left out)
    assert len(uses) == 4 and uses.count({}) == 3 and {"a": 2} in uses, uses
    return theirs, ours, their_requests, in_order(our_requests)


def _configured_sent(outcome: Outcome) -> Outcome:
    """Their configured calls refused (pydantic's ValidationError, nothing sent) read as
    our replies, once our requests are seen to carry each configured value."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs[1:] == [{"refused": "ValidationError"}] * 3 and len(their_requests) == 1
    sent = [r["body"].get("inferenceConfig", {}) for r in our_requests]  # (in a stable order)
    for configured in ({}, {"temperature": 0.3}, {"maxTokens": 42}, {"maxTokens": 7}):
        assert configured in sent, sent
    return ours, ours, our_requests, our_requests


SCRIPTS = {
    "standard_media_blocks": (converse(), standard_media_blocks),
    "configured_per_call": (converse(), configured_per_call),
    "reasoning_call_as_blocks": (
        converse(reasoning("Add them."), text("Calling add."), ADD_CALL, stop="tool_use"),
        reasoning_call_as_blocks,
    ),
    "bound_inference_keywords": (converse(), bound_inference_keywords),
    "invalid_calls_answered": (converse(), invalid_calls_answered),
}

DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "configured_per_call": (CONFIGURED_REFUSED, _configured_sent),
    "invalid_calls_answered": (
        Difference(
            Reason.REJECTED,
            "leaves an AIMessage's invalid tool calls out of the request but sends the tool "
            "results answering them: a toolResult with no toolUse in the assistant turn "
            "before it, which Converse refuses",
            "an invalid call a tool result answers goes as a toolUse block (its arguments "
            "where they parse as a JSON object, else empty); an unanswered one is left "
            "out, as langchain-aws leaves it",
        ),
        _answered_calls_left_out,
    ),
}

SUITE = converse_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_t_same_as_langchain_aws = SUITE.same_test()
