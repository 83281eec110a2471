"""ChatBedrock (InvokeModel, an Anthropic model) given histories of unusual shapes, side by
side with langchain-aws's (its `_format_anthropic_messages`):

- a system message after the conversation started, as an agent's middleware or a
  summarizing step inserts one: langchain-aws takes the one system prompt wherever it
  stands, silently, and refuses a second one apart from it. The drop-in sends the same
  body, sync and async, and counts its tokens from it; the InvokeModel wire without the
  drop-in's reading still refuses a later system message (the Anthropic wire's rule);
- a user turn of no blocks: sent as one "." text block by both (Bedrock refuses an empty
  content list);
- a user turn of empty text to a model of another family (a prompt's, or gpt-oss's and
  Qwen's messages): sent as such by both, a valid request there.

Kept (`DIFFERENCES`): a user turn of empty text and a conversation of system messages
alone, which langchain-aws sends and Anthropic refuses, are refused before any request."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - the autouse fixture: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make

langchain_aws = pytest.importorskip("langchain_aws")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatBedrock as OurChatBedrock  # noqa: E402

CLASSES = (langchain_aws.ChatBedrock, OurChatBedrock)

HISTORIES = {
    "after_a_user_turn": [lc.HumanMessage("a"), lc.SystemMessage("be brief"), lc.HumanMessage("b")],
    "after_a_reply": [
        lc.HumanMessage("a"),
        lc.AIMessage("ok"),
        lc.SystemMessage([{"type": "text", "text": "be brief"}]),
        lc.HumanMessage("b"),
    ],
    "last": [lc.HumanMessage("a"), lc.SystemMessage("be brief")],
}


def _sent(server: ScriptedServer, call: Any) -> list[Any]:
    """Per class, the body of its one request and the warnings its call gave."""
    server.handler = invoke()
    sent = []
    for cls in CLASSES:
        server.seen.clear()
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            call(make(cls, server.url))
        (seen,) = server.seen
        sent.append((seen.body, [str(w.message) for w in said]))
    return sent


@pytest.mark.parametrize("history", sorted(HISTORIES))
def test_a_later_system_message_is_the_system_prompt_as_langchain_aws_sends_it(
    history: str, server: ScriptedServer
) -> None:
    messages = HISTORIES[history]
    theirs, ours = _sent(server, lambda model: model.invoke(messages))
    assert ours == theirs
    assert ours[0]["system"] in ("be brief", [{"type": "text", "text": "be brief"}])
    assert ours[1] == []  # (hoisted silently)
    later = _sent(server, lambda model: asyncio.run(model.ainvoke(messages)))
    assert later[1] == later[0] == theirs


def test_a_second_system_prompt_is_refused_by_both_in_its_words(server: ScriptedServer) -> None:
    messages = [lc.SystemMessage("one"), lc.HumanMessage("a"), lc.SystemMessage("two")]
    refused = []
    for cls in CLASSES:
        with pytest.raises(ValueError) as error:
            make(cls, server.url).invoke(messages)
        refused.append(str(error.value))
    assert refused[1] == refused[0] == "Received multiple non-consecutive system messages."


def test_without_the_drop_ins_reading_a_later_system_message_is_refused() -> None:
    from chatplex.adapters.request_types import CallSettings
    from chatplex.messages import HumanMessage
    from chatplex.messages import SystemMessage
    from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter

    messages = [HumanMessage("a"), SystemMessage("be brief"), HumanMessage("b")]
    settings = CallSettings("us.anthropic.claude-3-5-haiku-20241022-v1:0")
    assert BedrockInvokeAdapter.later_systems is False  # (the drop-in's build sets it)
    with pytest.raises(ValueError, match="a system message after the conversation started"):
        BedrockInvokeAdapter.anthropic_body(messages, settings)
    hoisted = BedrockInvokeAdapter.anthropic_body(messages, settings, later_systems=True)
    assert hoisted["system"] == "be brief" and len(hoisted["messages"]) == 2


def test_its_tokens_are_counted_from_the_same_body(server: ScriptedServer) -> None:
    messages = HISTORIES["after_a_user_turn"]
    model = make(OurChatBedrock, server.url)
    server.handler = lambda seen: Reply(200, [b'{"inputTokens": 9}'])  # (CountTokens)
    assert model.get_num_tokens_from_messages(messages) == 9


def test_a_user_turn_of_no_blocks_goes_as_langchain_aws_sends_it(server: ScriptedServer) -> None:
    theirs, ours = _sent(server, lambda model: model.invoke([lc.HumanMessage([])]))
    assert ours == theirs
    assert ours[0]["messages"] == [{"role": "user", "content": [{"type": "text", "text": "."}]}]


#: Model -> its family's scripted InvokeModel (`prompt_invoke`'s family key).
OTHER_FAMILIES = {
    chatbedrock.LLAMA: "meta",
    chatbedrock.MISTRAL: "mistral",
    chatbedrock.TITAN: "amazon",
    chatbedrock.DEEPSEEK_R1: "deepseek",
    chatbedrock.GPT_OSS: "openai",
    chatbedrock.QWEN: "qwen",
}


@pytest.mark.parametrize("model", sorted(OTHER_FAMILIES))
def test_empty_user_text_to_another_family_goes_as_langchain_aws_sends_it(
    model: str, server: ScriptedServer
) -> None:
    server.handler = chatbedrock.prompt_invoke(OTHER_FAMILIES[model])
    sent = []
    for cls in CLASSES:
        server.seen.clear()
        reply = make(cls, server.url, model=model).invoke([lc.HumanMessage("")])
        (seen,) = server.seen
        sent.append((seen.path, seen.body, reply.content))
    assert sent[1] == sent[0]


def _refused_here(messages: list[Any], server: ScriptedServer) -> tuple[Any, str]:
    """What langchain-aws sent for `messages`, and the ValueError the drop-in raised
    before any request."""
    theirs, ours = langchain_aws.ChatBedrock, OurChatBedrock
    server.handler = invoke()
    server.seen.clear()
    make(theirs, server.url).invoke(messages)
    (sent,) = server.seen
    server.seen.clear()
    with pytest.raises(ValueError) as error:
        make(ours, server.url).invoke(messages)
    assert server.seen == []
    return sent.body, str(error.value)


def test_empty_user_text(server: ScriptedServer) -> None:
    sent, refused = _refused_here([lc.HumanMessage("")], server)
    assert sent["messages"] == [{"role": "user", "content": ""}]
    assert "a user message of empty text" in refused


def test_system_only(server: ScriptedServer) -> None:
    sent, refused = _refused_here([lc.SystemMessage("be brief")], server)
    assert sent == {}  # (no messages, no system: Bedrock refuses the body)
    assert "got only system messages" in refused


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())


# -- Kept differences: each script shows LangChain's request, then chatplex's refusal. --


def _as_is(outcome: Outcome) -> Outcome:
    return outcome


#: Script -> (why it differs, how its outcome is read): each checked by its test above.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "empty_user_text": (
        Difference(
            Reason.REJECTED,
            'sends a user message of empty text (`HumanMessage("")`) as it is, which '
            "Anthropic refuses (text content must be non-empty)",
            "refused before any request, with a ValueError naming the message",
        ),
        _as_is,
    ),
    "system_only": (
        Difference(
            Reason.REJECTED,
            "sends a conversation of system messages alone as an empty body, which "
            "Bedrock refuses (no messages)",
            "refused before any request, with a ValueError saying a user or assistant "
            "message is needed",
        ),
        _as_is,
    ),
}
