"""Scripts the wires' probe_r modules share (tests/partners/<wire>/test_*_probe_r_scripts.py):
reasoning models as a LangChain user scripts them. Reasoning asked for in each way the
partner takes it (a constructor's setting, a call's keyword), and the request each sends;
the reply read back (`.content`, `.content_blocks` and their `reasoning` blocks, `.text`,
the usage's reasoning tokens, `response_metadata`), invoked, awaited and streamed (each
piece, and the merged stream); the reply replayed in the next turns as an agent does (a
tool's call and result between, the thinking's signature or encrypted reasoning sent
back), with `output_version="v1"` too; and a reasoning reply of every other provider's
partner replayed (a conversation moved to another model), and one calling a tool, its
result after it (an agent's loop moved mid-way). Each factory takes a suite's
constructor `make(cls, url, **settings)` and gives a `script(cls, url)` that its suite
runs with the partner's class and with chatplex's, as the probe_y set's (`_probe_y.py`);
`scripts` gives a wire's rows, each with what it warned of (`_probe_z.heard`)."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.partners._probe_y import LOOP
from tests.partners._probe_y import Make
from tests.partners._probe_y import Script
from tests.partners._probe_z import drawn_ids_masked
from tests.partners._probe_z import heard
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import merged

QUESTION = "How many r in berry?"
SUM = "1+2?"


def _read(message: Any) -> dict[str, Any]:
    """A reply as a script reads it: the message (its content, usage, metadata), its
    `content_blocks`, its reasoning blocks alone and `.text`."""
    blocks = message.content_blocks
    return {
        "message": message,
        "content_blocks": blocks,
        "reasoning": [b for b in blocks if b.get("type") == "reasoning"],
        "text": message.text,
    }


def reasoning_read(make: Make, **settings: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A reasoning model given `settings`: its reply invoked, awaited and streamed,
        each read as a script reads it (`_read`): the stream's every piece, and the
        pieces merged."""
        model = make(cls, url, **settings)
        chunks = list(model.stream(QUESTION))
        return drawn_ids_masked(
            {
                "invoked": _read(model.invoke(QUESTION)),
                "awaited": _read(LOOP.run_until_complete(model.ainvoke(QUESTION))),
                "pieces": [_read(chunk) for chunk in chunks],
                "merged": _read(merged(chunks)),
            }
        )

    return script


def reasoning_asked(make: Make, ways: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> Script:
    def script(cls: Any, url: str) -> Any:
        """Reasoning asked for each way of `ways` (name: the constructor's settings, the
        call's keywords), invoked once: its reply's blocks, or the class of what refused
        it (the requests sent are compared). Each side is given copies (a partner built
        on langchain-core's `build_model_kwargs` empties the `model_kwargs` it is given
        of its own fields: the other side's run would see them gone)."""

        def asked(settings: dict[str, Any], call: dict[str, Any]) -> Any:
            settings, call = copy.deepcopy((settings, call))
            reply = make(cls, url, **settings).invoke(QUESTION, **call)
            return reply.content_blocks

        out = {name: attempted(lambda w=way: asked(*w)) for name, way in ways.items()}
        return drawn_ids_masked(out)

    return script


def _each_read(**replies: Any) -> dict[str, Any]:
    """Each reply read (`_read`), or what refused it as it is."""
    return {k: _read(v) if hasattr(v, "content_blocks") else v for k, v in replies.items()}


def agent_turns(make: Make, *, streamed: bool = False, **settings: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A reasoning model given `settings`, `add` bound, as an agent runs it (each turn
        invoked, or streamed and merged where `streamed`): its reply calling the tool,
        the tool's result, its answer, then a new question after the whole history (every
        reply sent back, its reasoning with its signature or encrypted content)."""
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        bound = make(cls, url, **settings).bind_tools([add])

        def ask(history: list[Any]) -> Any:
            return merged(list(bound.stream(history))) if streamed else bound.invoke(history)

        first = ask([HumanMessage(SUM)])
        calls = first.tool_calls
        results = [ToolMessage("3", tool_call_id=call["id"], name=call["name"]) for call in calls]
        history = [HumanMessage(SUM), first, *results]
        second = attempted(lambda: ask(history))
        third = attempted(lambda: ask([*history, second, HumanMessage("And 3+4?")]))
        return drawn_ids_masked({"first": _read(first), **_each_read(second=second, third=third)})

    return script


#: A reasoning reply as each provider's partner gives it (the default output version),
#: and as LangChain's v1 blocks.
FOREIGN_REASONING: dict[str, dict[str, Any]] = {
    "anthropic": {
        "content": [
            {"type": "thinking", "thinking": "Count them.", "signature": "sig-01"},
            {"type": "redacted_thinking", "data": "EncryptedThought=="},
            {"type": "text", "text": "Two."},
        ],
        "response_metadata": {"model_provider": "anthropic", "model_name": "claude-haiku-4-5"},
    },
    "responses": {
        "content": [{"type": "text", "text": "Two.", "annotations": [], "id": "msg_1"}],
        "additional_kwargs": {
            "reasoning": {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "Count them."}],
                "encrypted_content": "gAAA-enc",
            }
        },
        "response_metadata": {"model_provider": "openai", "model_name": "o4-mini", "id": "resp_1"},
    },
    "gemini": {
        "content": [
            {"type": "thinking", "thinking": "Count them."},
            {"type": "text", "text": "Two."},
        ],
        "response_metadata": {"model_provider": "google_genai", "model_name": "gemini-2.5-flash"},
    },
    "deepseek": {
        "content": "Two.",
        "additional_kwargs": {"reasoning_content": "Count them."},
        "response_metadata": {"model_provider": "deepseek", "model_name": "deepseek-reasoner"},
    },
    "v1": {
        "content": [
            {"type": "reasoning", "reasoning": "Count them.", "id": "rs_1"},
            {"type": "text", "text": "Two."},
        ],
        "response_metadata": {"output_version": "v1"},
    },
}


def foreign_reasoning_replayed(make: Make, **settings: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A reasoning reply from each provider's partner (a thought and its signature, a
        redacted one, an encrypted reasoning item, DeepSeek's `reasoning_content`), and
        one of LangChain's v1 blocks, in the history of a next turn (a conversation moved
        to this model, given `settings`): the reply, or the class of what refused it."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage

        model = make(cls, url, **settings)

        def replayed(fields: dict[str, Any]) -> Any:
            history = [HumanMessage(QUESTION), AIMessage(**fields), HumanMessage("Sure?")]
            return attempted(lambda: model.invoke(history))

        return {name: replayed(fields) for name, fields in FOREIGN_REASONING.items()}

    return script


#: The tool call each of `FOREIGN_CALLING`'s replies makes, and its id.
_CALL = {"name": "add", "args": {"a": 1, "b": 2}, "type": "tool_call"}
#: A reasoning reply calling a tool (no text) as each provider's partner gives it, and
#: as LangChain's v1 blocks.
FOREIGN_CALLING: dict[str, dict[str, Any]] = {
    "anthropic": {
        "content": [
            {"type": "thinking", "thinking": "Add them.", "signature": "sig-01"},
            {"type": "redacted_thinking", "data": "EncryptedThought=="},
            {"type": "tool_use", "id": "toolu_01", "name": "add", "input": {"a": 1, "b": 2}},
        ],
        "tool_calls": [{**_CALL, "id": "toolu_01"}],
        "response_metadata": {"model_provider": "anthropic", "model_name": "claude-haiku-4-5"},
    },
    "responses": {
        "content": [],
        "additional_kwargs": {
            "reasoning": {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "Add them."}],
                "encrypted_content": "gAAA-enc",
            },
            "__openai_function_call_ids__": {"call_r1": "fc_1"},
        },
        "tool_calls": [{**_CALL, "id": "call_r1"}],
        "response_metadata": {"model_provider": "openai", "model_name": "o4-mini", "id": "resp_1"},
    },
    "gemini": {
        "content": [{"type": "thinking", "thinking": "Add them."}],
        "additional_kwargs": {"__gemini_function_call_thought_signatures__": {"call_g1": "c2ln"}},
        "tool_calls": [{**_CALL, "id": "call_g1"}],
        "response_metadata": {"model_provider": "google_genai", "model_name": "gemini-2.5-flash"},
    },
    "deepseek": {
        "content": "",
        "additional_kwargs": {"reasoning_content": "Add them."},
        "tool_calls": [{**_CALL, "id": "call_00_a1"}],
        "response_metadata": {"model_provider": "deepseek", "model_name": "deepseek-reasoner"},
    },
    "v1": {
        "content": [
            {"type": "reasoning", "reasoning": "Add them.", "id": "rs_1"},
            {**_CALL, "id": "call_v1"},
        ],
        "tool_calls": [{**_CALL, "id": "call_v1"}],
        "response_metadata": {"output_version": "v1"},
    },
}


def foreign_calls_replayed(make: Make, **settings: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A reasoning reply calling a tool from each provider's partner (a thought, a
        redacted one, a tool use; an encrypted reasoning item beside a function call's
        ids; a thought beside a call's signature; DeepSeek's `reasoning_content` beside
        the call), and
        one of LangChain's v1 blocks, then the tool's result, sent to this model given
        `settings`, `add` bound (an agent's loop moved to another model mid-way): the
        reply, or the class of what refused it."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        bound = make(cls, url, **settings).bind_tools([add])

        def replayed(fields: dict[str, Any]) -> Any:
            (call,) = fields["tool_calls"]
            result = ToolMessage("3", tool_call_id=call["id"], name="add")
            history = [HumanMessage(SUM), AIMessage(**fields), result]
            return attempted(lambda: bound.invoke(history))

        return drawn_ids_masked({name: replayed(f) for name, f in FOREIGN_CALLING.items()})

    return script


def scripts(
    make: Make,
    thinking: dict[str, Any],
    ways: dict[str, tuple[dict[str, Any], dict[str, Any]]],
    *,
    v1: bool = True,
) -> dict[str, Script]:
    """The set's scripts (each `heard`) for a wire over its constructor `make`, its
    reasoning asked for by the settings `thinking` (and each of `ways`): read, asked,
    an agent's turns invoked and streamed (and read as LangChain's v1 blocks where `v1`),
    and the other providers' reasoning replayed, alone and calling a tool."""
    rows = {
        "reasoning_read": reasoning_read(make, **thinking),
        "reasoning_asked": reasoning_asked(make, ways),
        "agent_turns": agent_turns(make, **thinking),
        "agent_turns_streamed": agent_turns(make, streamed=True, **thinking),
        "foreign_reasoning_replayed": foreign_reasoning_replayed(make, **thinking),
        "foreign_calls_replayed": foreign_calls_replayed(make, **thinking),
    }
    if v1:
        rows["reasoning_read_v1"] = reasoning_read(make, output_version="v1", **thinking)
        rows["agent_turns_v1"] = agent_turns(make, output_version="v1", **thinking)
    return {name: heard(script) for name, script in rows.items()}


#: Anthropic's words (Bedrock's too) for a tool loop's assistant turn sent back without its
#: thinking, and for a thought without its signature.
_UNTHOUGHT = (
    "messages.{turn}.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
    "`{found}`. When `thinking` is enabled, a final `assistant` message must start with a "
    "thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). "
    "We recommend you include thinking blocks from previous turns. To avoid this "
    "requirement, disable `thinking`. Please consult our documentation at "
    "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
)
_UNSIGNED = "messages.{turn}.content.{block}.thinking.signature: Field required"
#: The block types an assistant turn of Anthropic's Messages API may hold.
_TURN_BLOCKS = ("text", "image", "document", "thinking", "redacted_thinking", "tool_use")
_UNKNOWN = (
    "messages.{turn}.content.{block}.type: Input tag '{kind}' found using 'type' does not "
    "match any of the expected tags: " + ", ".join(f"'{t}'" for t in _TURN_BLOCKS)
)


def claude_refusal(messages: list[dict[str, Any]], thinks: bool) -> str | None:
    """Why Claude (Anthropic's API, Bedrock's InvokeModel) refuses `messages`: an
    assistant's block of a type the API has not, a thought sent back without its
    signature, or (thinking on) a tool loop's assistant turn (before a turn of tool
    results) not starting with its thinking; None where it takes them."""
    for turn, message in enumerate(messages):
        content = message.get("content")
        for index, block in enumerate(content if isinstance(content, list) else []):
            kind = block.get("type")
            if message.get("role") == "assistant" and kind not in _TURN_BLOCKS:
                return _UNKNOWN.format(turn=turn, block=index, kind=kind)
            if kind == "thinking" and not block.get("signature"):
                return _UNSIGNED.format(turn=turn, block=index)
    last = messages[-1].get("content")
    if thinks and len(messages) > 1 and "tool_result" in json.dumps(last):
        turn = len(messages) - 2
        content = messages[turn].get("content")
        first = content[0] if isinstance(content, list) and content else {"type": "text"}
        if first.get("type") not in ("thinking", "redacted_thinking"):
            return _UNTHOUGHT.format(turn=turn, found=first.get("type"))
    return None


#: Why a Claude wire's turn differs where another provider's thought (Gemini's `thinking`
#: block, which carries no signature) is replayed to it.
UNSIGNED_THOUGHT = Difference(
    Reason.REJECTED,
    "another provider's thought replayed (Gemini's `thinking` block, no signature) is "
    "sent as a Claude thinking block without its signature, which Claude refuses "
    "(`thinking.signature: Field required`)",
    "a thinking block without a signature is left out of the turn: Claude takes none",
)


def _signed_turns(request: dict[str, Any]) -> dict[str, Any]:
    """A request with every unsigned thinking block left out of its assistant turns."""
    body = request.get("body") or {}
    turns = [
        {**turn, "content": [b for b in turn["content"] if not _unsigned(b)]}
        if turn.get("role") == "assistant" and isinstance(turn.get("content"), list)
        else turn
        for turn in body.get("messages") or []
    ]
    return {**request, "body": {**body, "messages": turns}} if turns else request


def _unsigned(block: Any) -> bool:
    return (
        isinstance(block, dict) and block.get("type") == "thinking" and not block.get("signature")
    )


def unsigned_thoughts_left_out(outcome: Outcome) -> Outcome:
    """`UNSIGNED_THOUGHT`'s reading of a `foreign_*_replayed` script's outcome: theirs
    sent Gemini's reply with its unsigned thought and was refused; ours sent the same
    turn without it. Read as ours once their requests, that block left out, are checked
    to be ours (the compare does), and their refused Gemini replay is checked to be
    the only result that differs."""
    theirs, ours, their_requests, our_requests = outcome
    signed = in_order([_signed_turns(r) for r in their_requests])
    assert signed != in_order(their_requests), "theirs sent no unsigned thought"
    if theirs.get("gemini") != ours.get("gemini"):
        assert set(theirs["gemini"]) == {"refused"}, theirs["gemini"]
        theirs = {**theirs, "gemini": ours["gemini"]}
    return theirs, ours, signed, our_requests
