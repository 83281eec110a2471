"""ChatCohere in the probe_y set's scripts (`tests/partners/_probe_y.py`), compared as
`test_cohere_sidebyside.py` compares its scripts. Most kept differences here are the
suite's, seen through LangChain's features: langchain-cohere's flattened tools, its sync
stream's lost usage and split calls, its dropped constructor `max_tokens`."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Callable
from typing import Annotated
from typing import Any

from typing_extensions import TypedDict

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import ADD_CALL
from tests.partners.cohere.test_cohere_sidebyside import ASTREAM_USAGE
from tests.partners.cohere.test_cohere_sidebyside import FLAT_TOOLS
from tests.partners.cohere.test_cohere_sidebyside import INCLUDE_RAW_IGNORED
from tests.partners.cohere.test_cohere_sidebyside import KEY
from tests.partners.cohere.test_cohere_sidebyside import MODEL
from tests.partners.cohere.test_cohere_sidebyside import STREAM_USAGE
from tests.partners.cohere.test_cohere_sidebyside import STREAMED_CALLS
from tests.partners.cohere.test_cohere_sidebyside import _all
from tests.partners.cohere.test_cohere_sidebyside import _flat_tools
from tests.partners.cohere.test_cohere_sidebyside import _forget_tokenizers
from tests.partners.cohere.test_cohere_sidebyside import cohere_counts
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

_TEXT = cohere_replies()
_JSON = cohere_replies('{"total": 3}')
_CALL = cohere_replies(tool_call=ADD_CALL)
_SUM_CALL = {**ADD_CALL, "function": {"name": "Sum", "arguments": '{"total": 3}'}}
_COUNTS = cohere_counts()
#: The tool choices Cohere's chat API takes; it refuses any other.
_CHOICES = ("REQUIRED", "NONE")


def _error(status: int, message: str) -> Reply:
    """Cohere's error body (`id`, `message`) with its status."""
    return Reply(status, [json.dumps({"id": "err-1", "message": message}).encode()])


def _sum_call(seen: Seen) -> Reply:
    """A call of the tool Sum (the scripted stream names its call `add`: renamed)."""
    reply = cohere_replies(tool_call=_SUM_CALL)(seen)
    reply.pieces = [p.replace(b'"name": "add"', b'"name": "Sum"') for p in reply.pieces]
    return reply


def answer(seen: Seen) -> Reply:
    """Cohere's v2 chat (and its token counting): a 400 for a prompt that says FAIL, for
    a tool choice other than REQUIRED or NONE and for a tool not in its (OpenAI's
    function) form, as Cohere refuses them; a call of the first tool until the
    conversation holds a tool's result (Sum's where offered), JSON where asked, text."""
    if not seen.path.startswith("/v2/chat"):
        return _COUNTS(seen)
    body = seen.body or {}
    messages = body.get("messages", [])
    said = json.dumps(messages)
    if "FAIL" in said:
        return _error(400, "invalid request: Bad prompt")
    if "tool_choice" in body and body["tool_choice"] not in _CHOICES:
        return _error(400, "invalid request: tool_choice must be one of REQUIRED, NONE")
    tools = body.get("tools") or []
    if any(not isinstance(tool, dict) or "function" not in tool for tool in tools):
        return _error(400, "invalid request: each tool must be of type function")
    if tools and not any(m.get("role") == "tool" for m in messages):
        return (_sum_call if tools[0]["function"]["name"] == "Sum" else _CALL)(seen)
    if "JSON" in said:
        return _JSON(seen)
    return _TEXT(seen)


def make(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model", MODEL)
    return cls(cohere_api_key=KEY, base_url=url, **settings)


def _fresh_tokenizers(script: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """`script` run with no tokenizer kept from an earlier run (each fetches its own)."""

    def run(cls: Any, url: str) -> Any:
        _forget_tokenizers()
        return script(cls, url)

    return run


def _attempted(script: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """`script`, or the class of what it raised: where the partner's raises."""
    return lambda cls, url: attempted(lambda: script(cls, url))


def cache_keys_described(cls: Any, url: str) -> Any:
    """The cache key of a call of a tool whose arguments are described (its args
    schema's fields), forced in Cohere's word: the tool's parameters in it."""
    from langchain_core.caches import InMemoryCache
    from langchain_core.tools import StructuredTool
    from pydantic import BaseModel
    from pydantic import Field

    class Pair(BaseModel):
        a: int = Field(description="The first.")
        b: int = Field(description="The second.")

    described = StructuredTool.from_function(
        lambda a, b: a + b, name="add", description="Add two integers.", args_schema=Pair
    )
    cache = InMemoryCache()
    make(cls, url, cache=cache).bind_tools([described], tool_choice="REQUIRED").invoke("1+2?")
    return [list(key) for key in cache._cache]


def tools_parser_chain(cls: Any, url: str) -> Any:
    """`structured_tool_streamed`'s chain alone: a prompt, the bound tool and a tools
    parser, invoked and streamed."""
    from langchain_core.output_parsers.openai_tools import JsonOutputToolsParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    chain = prompt | make(cls, url).bind_tools([add]) | JsonOutputToolsParser()
    return {"invoked": chain.invoke({"q": "1+2?"}), "streamed": list(chain.stream({"q": "1+2?"}))}


def configurable_temperature(cls: Any, url: str) -> Any:
    """`configurable_dropin` on the field ChatCohere has (langchain-cohere's has no
    `max_tokens`: its `configurable_fields` refuses it): the specs, and each model
    chosen by `with_config`."""
    from langchain_core.runnables import ConfigurableField

    model = make(cls, url).configurable_fields(
        temperature=ConfigurableField(id="temp", name="Temperature")
    )
    either = make(cls, url).configurable_alternatives(
        ConfigurableField(id="which"), default_key="a", b=make(cls, url, temperature=0.0)
    )
    return {
        "specs": [(s.id, s.name, s.default) for s in model.config_specs],
        "hot": model.with_config(configurable={"temp": 0.9}).invoke("Hi"),
        "b": either.with_config(configurable={"which": "b"}).invoke("Hi"),
        "a": either.invoke("Hi"),
    }


class Sum(TypedDict):
    """A sum."""

    total: Annotated[int, ..., "The total."]


def structured_typed(cls: Any, url: str) -> Any:
    """`with_structured_output` of a TypedDict (its hints resolvable, unlike
    `structured_forms`' local one) by each method, and with `include_raw=True`."""
    model = make(cls, url)
    forms: dict[str, dict[str, Any]] = {
        "default": {},
        "include_raw": {"include_raw": True},
        "function_calling": {"method": "function_calling"},
        "json_mode": {"method": "json_mode"},
    }
    return {
        label: attempted(lambda kw=kw: model.with_structured_output(Sum, **kw).invoke("JSON"))
        for label, kw in forms.items()
    }


SCRIPTS: dict[str, Any] = {name: (answer, f(make)) for name, f in probe.FACTORIES.items()}
SCRIPTS["counted_trimmed"] = (answer, _fresh_tokenizers(probe.counted_trimmed(make)))
SCRIPTS["usage_by_model"] = (answer, probe.usage_by_model(make, "command-r-plus-08-2024"))
SCRIPTS["round_trip"] = (answer, _attempted(probe.round_trip(make, "COHERE_API_KEY")))
for _name in ("cache_keys", "configurable_dropin", "structured_tool_streamed"):
    SCRIPTS[_name] = (answer, _attempted(probe.FACTORIES[_name](make)))
#: `cache_keys` with the tool forced in Cohere's own word (its API refuses a name).
SCRIPTS["cache_keys_required"] = (answer, probe.cache_keys(make, forced="REQUIRED"))
SCRIPTS["tools_parser_chain"] = (answer, tools_parser_chain)
SCRIPTS["cache_keys_described"] = (answer, cache_keys_described)
SCRIPTS["configurable_temperature"] = (answer, configurable_temperature)
SCRIPTS["structured_typed"] = (answer, structured_typed)
SCRIPTS["foreign_tool_forms"] = (
    answer,
    probe.foreign_tool_forms(make, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE),
)

# ---- what differs on purpose, and why --------------------------------------------------

#: A reply's usage by Cohere's `usage.tokens` (ours, streamed), and by its billed units
#: (langchain-cohere's async stream's).
_TOKENS = {"input_tokens": 12, "output_tokens": 4, "total_tokens": 16}
_BILLED = {"input_tokens": 5, "output_tokens": 4, "total_tokens": 9}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ARGS = ADD_CALL["function"]["arguments"]
#: The call as one block, as ours has it merged (theirs too, beside its split parts).
_ADD_BLOCK = {"args": {"a": 1, "b": 2}, "id": "add_8d3f", "name": "add", "type": "tool_call"}


def _usage_swapped(theirs: Any, ours: Any, their_usage: Any) -> int:
    """Our usage_metadata of `_TOKENS` read as theirs wherever theirs is `their_usage`
    (None: none, or no such key) at the same place; how many were."""
    count = 0
    if isinstance(theirs, dict) and isinstance(ours, dict):
        if ours.get("usage_metadata") == _TOKENS and theirs.get("usage_metadata") == their_usage:
            if "usage_metadata" in theirs:
                ours["usage_metadata"] = theirs["usage_metadata"]
            else:
                del ours["usage_metadata"]
            count += 1
        pairs = [(theirs[k], ours[k]) for k in theirs if k in ours]
    elif isinstance(theirs, list) and isinstance(ours, list):
        pairs = list(zip(theirs, ours, strict=False))
    else:
        return 0
    return count + sum(_usage_swapped(t, o, their_usage) for t, o in pairs)


def _stream_usage(count: int, their_usage: Any = None) -> Callable[[Outcome], Outcome]:
    """Our streamed replies' usage (Cohere's tokens, `count` of them) read as theirs
    (`their_usage`: none from the sync stream, the billed units from the async one)."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert _usage_swapped(theirs, ours, their_usage) == count, (theirs, ours)
        return outcome

    return normalise


def _max_tokens_dropped(value: int) -> Callable[[Outcome], Outcome]:
    """The constructor's `max_tokens` in each of our requests, in none of theirs:
    taken out once seen."""

    def normalise(outcome: Outcome) -> Outcome:
        their_requests, our_requests = outcome[2], outcome[3]
        assert not any("max_tokens" in r["body"] for r in their_requests), their_requests
        assert [r["body"].pop("max_tokens") for r in our_requests] == [value] * len(our_requests)
        return outcome

    return normalise


def _split_calls_sent(outcome: Outcome) -> Outcome:
    """Their streamed call's split parts sent back by the agent (two calls with no
    arguments and random ids, and a result for each and for the repeated arguments'
    invalid call) taken out of their requests, once seen."""
    split: list[Any] = []
    results = 0
    for request in outcome[2]:
        messages = request["body"]["messages"]
        for message in messages:
            if message.get("tool_calls"):
                calls = message["tool_calls"]
                split += [c for c in calls if c["id"] != "add_8d3f"]
                message["tool_calls"] = [c for c in calls if c["id"] == "add_8d3f"]
        kept = [m for m in messages if m.get("tool_call_id", "add_8d3f") == "add_8d3f"]
        results += len(messages) - len(kept)
        request["body"]["messages"] = kept
    shapes = [(c["function"]["arguments"], bool(_UUID.fullmatch(c["id"]))) for c in split]
    assert (shapes, results) == ([("{}", True), ("{}", True)], 3), (split, results)
    return outcome


#: What langchain-cohere's agent runs of the split call: its two parts' failed runs, the
#: invalid call's, and the message the agent drops (ids masked).
_SPLIT_RUNS = [
    ["RemoveMessage", ""],
    ["ToolMessage", "Error:  is not a valid tool, try one of [add]."],
    [
        "ToolMessage",
        "Error invoking tool 'add' with kwargs {} with error:\n a: Field required\nb: Field "
        "required\n Please fix the error and try again.",
    ],
    [
        "ToolMessage",
        "Tool call unknown with id <uuid> could not be executed - arguments were malformed "
        "or truncated.",
    ],
]


def _one_chunk(chunks: list[Any], previous: Any) -> list[Any] | None:
    """One of their streamed call's chunks as ours (None: their repeated last piece):
    Cohere's call id, the index after the plan's text block, the last chunk's whole call
    on ours' closing chunk of no call."""
    [chunk] = chunks
    if chunk["index"] is None:  # their closing chunk: the call whole
        assert chunk == {**chunk, "args": _ARGS, "id": "add_8d3f", "name": "add"}, chunk
        return []
    assert _UUID.fullmatch(chunk["id"]) and chunk["index"] == 0, chunk
    mended = [{**chunk, "id": "add_8d3f", "index": 1}]
    return None if mended == previous else mended


def _agent_pieces(outcome: Outcome) -> Outcome:
    """Their agent's streamed messages as ours: each call chunk mended (`_one_chunk`),
    the split call's runs (`_SPLIT_RUNS`) taken out, once seen."""
    theirs, ours, their_requests, our_requests = outcome
    mended: list[Any] = []
    runs = []
    for piece in theirs["pieces"]:
        kind, content, chunks = piece[:3]
        if kind == "RemoveMessage" or (kind == "ToolMessage" and content != "3"):
            runs.append([kind, _UUID.sub("<uuid>", content)])
            continue
        if chunks:
            chunks = _one_chunk(chunks, mended[-1][2] if mended else None)
            if chunks is None:
                continue
        mended.append([kind, content, chunks, *piece[3:]])
    assert sorted(runs) == sorted(_SPLIT_RUNS), runs
    assert len(mended) == len(theirs["pieces"]) - len(runs) - 1, mended
    return {**theirs, "pieces": mended}, ours, their_requests, our_requests


def _token_repeated(outcome: Outcome) -> Outcome:
    """Their repeated last arguments piece's new token (`""`) taken out, once seen where
    ours and theirs part."""
    theirs, ours, their_requests, our_requests = outcome
    part = next(i for i, (t, o) in enumerate(zip(theirs, ours, strict=False)) if t != o)
    assert theirs[part] == {**theirs[part], "token": ""} == theirs[part - 1], theirs[part]
    return [*theirs[:part], *theirs[part + 1 :]], ours, their_requests, our_requests


def _call_ids(outcome: Outcome) -> Outcome:
    """Their merged stream's calls' ids (two split parts' random ones beside Cohere's)
    read as ours (Cohere's alone), once seen."""
    theirs, ours, their_requests, our_requests = outcome
    split, kept = theirs["call_ids"][:2], theirs["call_ids"][2:]
    assert all(_UUID.fullmatch(i) for i in split) and kept == ours["call_ids"] == ["add_8d3f"]
    return {**theirs, "call_ids": kept}, ours, their_requests, our_requests


def _split_blocks(blocks: list[Any]) -> list[Any]:
    """Their merged stream's content blocks without the split parts' calls (no
    arguments, random ids), once seen."""
    split = [b for b in blocks if b.get("type") == "tool_call" and b["id"] != "add_8d3f"]
    assert [(b["args"], b["name"], bool(_UUID.fullmatch(b["id"]))) for b in split] == [
        ({}, "add", True),
        ({}, "", True),
    ], split
    return [b for b in blocks if b not in split]


def _v0_blocks(outcome: Outcome) -> Outcome:
    theirs, ours, their_requests, our_requests = outcome
    return [*theirs[:2], _split_blocks(theirs[2]), theirs[3]], ours, their_requests, our_requests


#: langchain-cohere's merged v1 stream of the call (what its split parts make of it).
_V1_SPLIT = {
    "call_chunks": [("add", "", True, 0), (None, '{"a": ', True, 0)]
    + [(None, '1, "b": 2}1, "b": 2}', True, 0), ("add", _ARGS, False, None)],
    "positions": [None] * 5 + ["last"],
    "calls": [("add", {}), ("", {}), ("add", {"a": 1, "b": 2})],
}
_V1_OURS = {
    "blocks": [{"index": 0, "text": "I will add them.", "type": "text"}, _ADD_BLOCK],
    "call_chunks": [
        {"args": _ARGS, "id": "add_8d3f", "index": 1, "name": "add", "type": "tool_call_chunk"}
    ],
    "positions": [None] * 4 + ["last"],
}


def _v1_summed(outcome: Outcome) -> Outcome:
    """Their v1 stream's split call (its chunks, their positions, the blocks and calls
    merged of them; the plan's text block merged with the call's first chunk, of one
    index) and no usage read as ours, once each side is seen as it is."""
    theirs, ours, their_requests, our_requests = outcome
    chunks = [
        (c["name"], c["args"], bool(_UUID.fullmatch(c["id"])), c["index"])
        for c in theirs["call_chunks"]
    ]
    total, our_total = theirs["total"], ours["total"]
    assert chunks == _V1_SPLIT["call_chunks"] and theirs["positions"] == _V1_SPLIT["positions"]
    assert [(c["name"], c["args"]) for c in total["tool_calls"]] == _V1_SPLIT["calls"]
    assert [c["args"] for c in total["invalid_tool_calls"]] == ['1, "b": 2}1, "b": 2}']
    assert theirs["blocks"] == total["content"] and theirs["blocks"][0]["name"] == "add"
    assert {k: ours[k] for k in _V1_OURS} == _V1_OURS and our_total["content"] == ours["blocks"]
    assert our_total["invalid_tool_calls"] == [] and len(our_total["tool_calls"]) == 1
    assert (total["usage_metadata"], our_total["usage_metadata"]) == (None, _TOKENS)
    mended_total = {k: our_total[k] for k in ("content", "tool_calls", "invalid_tool_calls")}
    mended_total["usage_metadata"] = _TOKENS
    mended = {**theirs, **_V1_OURS, "total": {**total, **mended_total}}
    return mended, ours, their_requests, our_requests


#: langchain-cohere's tools parser over its stream: its split parts parsed as calls.
_PARSED_SPLIT = [
    [],
    [{"args": {}, "type": "add"}],
    [{"args": {}, "type": "add"}, {"args": {}, "type": ""}],
    [
        {"args": {}, "type": "add"},
        {"args": {}, "type": ""},
        {"args": {"a": 1, "b": 2}, "type": "add"},
    ],
]
_PARSED = [[], [{"args": {}, "type": "add"}], [{"args": {"a": 1, "b": 2}, "type": "add"}]]


def _parsed_stream(outcome: Outcome) -> Outcome:
    theirs, ours, their_requests, our_requests = outcome
    assert (theirs["streamed"], ours["streamed"]) == (_PARSED_SPLIT, _PARSED), (theirs, ours)
    return {**theirs, "streamed": _PARSED}, ours, their_requests, our_requests


_PARAMETERS = re.compile(r"parameters=(\{.*\})\)\)")


def _flat_key(outcome: Outcome) -> Outcome:
    """Our cache keys' tool parameters (in the cohere SDK's ToolV2 form, as theirs) read
    as langchain-cohere flattens them (`_flat_tools`), once seen to be so."""
    theirs, ours, their_requests, our_requests = outcome
    for their_key, our_key in zip(theirs, ours, strict=True):
        their_match, our_match = _PARAMETERS.search(their_key[1]), _PARAMETERS.search(our_key[1])
        if their_match is None and our_match is None:
            continue
        assert their_match and our_match, (their_key, our_key)
        flat = {"tools": [{"function": {"parameters": ast.literal_eval(our_match[1])}}]}
        _flat_tools((None, None, [], [{"body": flat}]))
        assert flat["tools"][0]["function"]["parameters"] == ast.literal_eval(their_match[1])
        our_key[1] = our_key[1].replace(our_match[1], their_match[1])
    return outcome


def _named_key_refused(outcome: Outcome) -> Outcome:
    """`cache_keys` (a tool forced by its name): theirs refused by Cohere (its request's
    `tool_choice: "add"`) after the two plain calls; ours sent those, the tool with
    REQUIRED, and the stream, and kept three keys (the forced call's naming the tool as
    theirs binds it). Read as theirs once seen."""
    theirs, ours, their_requests, our_requests = _flat_tools(outcome)
    assert theirs == {"refused": "BadRequestError"}, theirs
    assert len(ours) == 3 and "('tool_choice', 'add')" in ours[0][1], ours

    def plain(requests: list[Any]) -> list[str]:
        return sorted(json.dumps(r) for r in requests if "tool_choice" not in r["body"])

    [their_forced] = [r for r in their_requests if r["body"].get("tool_choice") == "add"]
    [our_forced] = [r for r in our_requests if r["body"].get("tool_choice") == "REQUIRED"]
    [streamed] = [r for r in our_requests if r["body"]["stream"]]
    our_forced["body"]["tool_choice"] = "add"
    assert our_forced == their_forced, (our_forced, their_forced)
    assert plain(their_requests) == plain([r for r in our_requests if r is not streamed])
    return theirs, theirs, their_requests, their_requests


#: `tool_choices`: the choices theirs sends as given, Cohere refusing each.
_SENT_AS_GIVEN = ("any", "required", "name")


def _choices_refused(outcome: Outcome) -> Outcome:
    """`tool_choices`: theirs sent "any", "required" and a tool's name as given (Cohere
    refused each: BadRequestError) and refused `strict=True` (TypeError) and
    `parallel_tool_calls` (TypeError, as ours) before sending; ours sent REQUIRED (the
    named tool alone), and the strict tool closed with `strict_tools`, each answered.
    Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert {k: theirs[k] for k in _SENT_AS_GIVEN} == dict.fromkeys(
        _SENT_AS_GIVEN, {"refused": "BadRequestError"}
    ), theirs
    assert theirs["strict"] == theirs["serial"] == ours["serial"] == {"refused": "TypeError"}
    assert all(ours[k]["tool_calls"] for k in (*_SENT_AS_GIVEN, "strict")), ours
    [strict] = [r for r in our_requests if r["body"].get("strict_tools")]
    assert [t["function"]["name"] for t in strict["body"]["tools"]] == ["add"], strict
    expected = []
    for request in their_requests:
        body = request["body"]
        named = body["tool_choice"] == "mul"
        tools = (
            [t for t in body["tools"] if t["function"]["name"] == "mul"] if named else body["tools"]
        )
        expected.append({**request, "body": {**body, "tool_choice": "REQUIRED", "tools": tools}})
    assert sorted(map(json.dumps, expected)) == sorted(
        json.dumps(r) for r in our_requests if r is not strict
    ), (expected, our_requests)
    assert sorted(r["body"]["tool_choice"] for r in their_requests) == ["any", "mul", "required"]
    return theirs, theirs, their_requests, their_requests


def _foreign_forms(outcome: Outcome) -> Outcome:
    """`foreign_tool_forms`: theirs sent the function as `{}`, Anthropic's tool and
    choice as given, each refused by Cohere (BadRequestError); ours sent each in
    Cohere's form and answered. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == dict.fromkeys(ours, {"refused": "BadRequestError"}), theirs
    assert all(ours[k]["tool_calls"] for k in ours), ours
    sent = sorted(
        json.dumps([r["body"]["tools"], r["body"].get("tool_choice")], sort_keys=True)
        for r in their_requests
        if r["body"].get("tool_choice") is None
    )
    given = [[[{}], None], [[probe.ANTHROPIC_TOOL], None]]
    assert sent == sorted(json.dumps(form, sort_keys=True) for form in given), sent
    [forced] = [r["body"] for r in their_requests if r["body"].get("tool_choice")]
    names = [t["function"]["name"] for t in forced["tools"]]
    assert (forced["tool_choice"], names) == (probe.ANTHROPIC_CHOICE, ["add", "mul"]), forced
    choices = sorted(str(r["body"].get("tool_choice")) for r in our_requests)
    assert choices == ["None", "None", "REQUIRED"], our_requests
    return theirs, theirs, their_requests, their_requests


def _structured_dict_refused(outcome: Outcome) -> Outcome:
    """Theirs refused the JSON schema (ValueError) before any request; ours streamed
    its forced tool's partial outputs and ran the chain. Read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "ValueError"} and not their_requests, theirs
    assert ours == {
        "partial": [{}, {"total": 3}],
        "parsed": [{"args": {"a": 1, "b": 2}, "type": "add"}],
    }
    assert [r["body"].get("tool_choice") for r in our_requests].count("REQUIRED") == 1
    return theirs, theirs, their_requests, their_requests


def _json_mode_raw(outcome: Outcome) -> Outcome:
    """`structured_forms`' json_mode with `include_raw=True`: their parsed object alone,
    ours beside the raw reply (`_raw_beside`)."""
    theirs, ours, their_requests, our_requests = outcome
    raw = (theirs["json_mode"], ours["json_mode"], their_requests, our_requests)
    cohere_suite._raw_beside(raw)
    return theirs, {**ours, "json_mode": theirs["json_mode"]}, their_requests, our_requests


def _typed_refused(outcome: Outcome) -> Outcome:
    """`structured_typed`: theirs refused the TypedDict by the default method, with or
    without the raw reply (TypeError), before any request; ours sent its schema as
    `response_format.json_schema` and parsed the reply (beside the raw one where asked).
    Those two read as theirs, once seen; the other methods compared."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["default"] == theirs["include_raw"] == {"refused": "TypeError"}, theirs
    assert ours["default"] == ours["include_raw"]["parsed"] == {"total": 3}, ours
    assert ours["include_raw"]["parsing_error"] is None, ours
    schema = {
        "type": "object",
        "properties": {"total": {"description": "The total.", "type": "integer"}},
        "required": ["total"],
    }
    sent = [r for r in our_requests if "json_schema" in r["body"].get("response_format", {})]
    assert [r["body"]["response_format"]["json_schema"] for r in sent] == [schema] * 2, sent
    mended = {**ours, "default": theirs["default"], "include_raw": theirs["include_raw"]}
    return theirs, mended, their_requests, [r for r in our_requests if r not in sent]


def _typed_arm_refused(outcome: Outcome) -> Outcome:
    """`structured_forms`' TypedDict with `include_raw=True`: theirs refused it before any
    request (TypeError, as in `_typed_refused`); ours sent its schema as
    `response_format.json_schema`, and the reply (text, no JSON) is its parsing error
    beside the raw reply. Read as theirs once seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["typed"] == {"refused": "TypeError"}, theirs
    typed = ours["typed"]
    assert typed["parsed"] is None and typed["raw"]["content"] == "Hello there, friend.", typed
    assert "OUTPUT_PARSING_FAILURE" in str(typed["parsing_error"]), typed
    sent = [r for r in our_requests if "json_schema" in r["body"].get("response_format", {})]
    assert len(sent) == 1, our_requests
    mended = {**ours, "typed": theirs["typed"]}
    return theirs, mended, their_requests, [r for r in our_requests if r not in sent]


_MAX_TOKENS = cohere_suite.DIFFERENCES["constructor_max_tokens"][0]
_STRICT = cohere_suite.DIFFERENCES["bind_tools_strict"][0]
_NAMED = cohere_suite.DIFFERENCES["tool_choice_invocation_params"][0][0]
CHOICE_WORDS = Difference(
    Reason.REJECTED,
    '`bind_tools(tool_choice=...)` with LangChain\'s words (`"any"`, `"required"`) '
    "sends them as given, which Cohere's API refuses: it takes REQUIRED or NONE",
    "each is sent as Cohere's `REQUIRED`",
)
SPLIT_CALL_RUN = Difference(
    Reason.LOSES_DATA,
    'an agent streaming its model (`stream_mode="messages"`) runs the split parts of a '
    "streamed call as calls: two failed tool runs (no arguments; no name) and a result "
    "for an invalid call, each sent back to the model, and a message of a malformed call "
    "after its answer",
    "the one call Cohere made is run, and its result sent back",
)
V1_INDEX = Difference(
    Reason.LOSES_DATA,
    "with `output_version=\"v1\"` a streamed call's chunks carry Cohere's index (0), the "
    "tool plan's text block's too: merged, the text block takes the call's id, name and "
    "arguments",
    "a call's chunks are indexed after the blocks streamed before them (LangChain's "
    "numbering), so the plan and the call stay apart",
)
COPIES = Difference(
    Reason.RAISES,
    "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`) or "
    "pickled: a TypeError (cannot pickle '_queue.SimpleQueue' object) from the cohere "
    "SDK's clients it holds",
    "the copy, or the unpickled model, is the same model: it sends the same request and "
    "reads the reply alike",
)
FOREIGN = Difference(
    Reason.REJECTED,
    "a Python function given to a call as a tool (`invoke(..., tools=[add])`) is sent as "
    "`{}`; a tool in Anthropic's format (`{'name': ..., 'input_schema': {...}}`) and a "
    "tool choice in Anthropic's format (`{'type': 'tool', 'name': ...}`) are sent as "
    "given: Cohere's API refuses each",
    "each is read and sent in Cohere's (OpenAI's function) format, as `bind_tools` sends "
    "a tool of any format; the named tool alone with `tool_choice: REQUIRED`",
)
STRUCTURED_DICT = Difference(
    Reason.RAISES,
    '`with_structured_output(schema, method="function_calling")` of a JSON schema '
    'with no description raises a ValueError ("Unsupported dict type") before any '
    "request",
    "the schema is sent as the forced tool, and its partial outputs streamed",
)
TYPED_DICT = Difference(
    Reason.RAISES,
    "`with_structured_output` of a TypedDict by its default method (a JSON schema), "
    "with or without `include_raw=True`, raises a TypeError (it reads the class as a "
    "dict) before any request",
    "the TypedDict's schema is sent as v2's `response_format.json_schema`, and the reply "
    "parsed (beside the raw one where asked)",
)
TOOL_TOKENS = Difference(
    Reason.RAISES,
    "tells each streamed tool-call piece's `on_llm_new_token` the SDK's delta object as "
    "its token, a `str` parameter (a handler joining the tokens raises a TypeError), and "
    "a call's last arguments piece twice; its async stream of a call tells those pieces "
    "and yields none of them (the reply comes whole, in its closing piece)",
    "a tool-call piece's token is its text (`''`), each piece told once; an async stream "
    "of a call, yielding the reply whole as its partner's does, tells no piece",
)


def _tool_tokens_told(outcome: Outcome) -> Outcome:
    """Their told tool-call pieces as ours: each token the piece's text (`''`) where it
    is the SDK's delta object, the piece told again at the call's end (the same delta as
    the one before it) taken out, once seen: one a call, a call a run; the pieces their
    async run told of a call (the sync run's again) taken out."""
    theirs, ours, their_requests, our_requests = outcome
    mended: dict[str, list[Any]] = {}
    repeats = 0
    for name, told in theirs.items():
        mended[name] = []
        for before, piece in zip([None, *told], told, strict=False):
            if not isinstance(piece["token"], str):
                if piece == before:
                    repeats += 1
                    continue
                piece = {**piece, "token": ""}
            mended[name].append(piece)
    assert repeats == 2, theirs  # the call streamed sync, then async
    half = len(mended["call"]) // 2
    assert mended["call"][:half] == mended["call"][half:], theirs
    return {**mended, "call": mended["call"][:half]}, ours, their_requests, our_requests


def _finished_calls(events: list[Any]) -> list[Any]:
    return [
        e["content"]
        for e in events
        if e["event"] == "content-block-finish" and "tool_call" in e["content"]["type"]
    ]


def _v3_events_read(outcome: Outcome) -> Outcome:
    """Their v3 events read as ours, each kept difference seen first: the sync streams'
    closing event with ours' usage (theirs reports none), the async ones' with Cohere's
    tokens for the billed units; their sync call's events, whose split parts end in an
    invalid call (a random id, the arguments twice) before the call, as ours: the text's
    events and the call the same."""
    theirs, ours, their_requests, our_requests = outcome
    mended = {name: [list(run) for run in runs] for name, runs in theirs.items()}
    for name, (synced, awaited) in mended.items():
        (our_synced, our_awaited), usage = ours[name], ours[name][0][-1]["usage"]
        assert "usage" not in synced[-1] and our_awaited[-1]["usage"] == usage, ours
        synced[-1] = {**synced[-1], "usage": usage}
        assert awaited[-1]["usage"] == _BILLED, awaited[-1]
        awaited[-1] = {**awaited[-1], "usage": usage}
    synced, our_synced = mended["call"][0], ours["call"][0]
    invalid, *called = _finished_calls(synced)
    assert invalid["type"] == "invalid_tool_call" and _UUID.fullmatch(invalid["id"]), invalid
    assert called == _finished_calls(our_synced), (synced, our_synced)

    def text_and_ends(events: list[Any]) -> list[Any]:
        return [e for e in events if e.get("index", 0) == 0]

    assert text_and_ends(synced) == text_and_ends(our_synced), (synced, our_synced)
    mended["call"][0] = our_synced
    return mended, ours, their_requests, our_requests


DIFFERENCES: dict[str, Any] = {
    "v3_events": (
        (STREAM_USAGE, ASTREAM_USAGE, FLAT_TOOLS, STREAMED_CALLS),
        _all(_flat_tools, _v3_events_read),
    ),
    "v3_events_v1": (
        (STREAM_USAGE, ASTREAM_USAGE, FLAT_TOOLS, STREAMED_CALLS),
        _all(_flat_tools, _v3_events_read),
    ),
    "v3_tokens": (
        (FLAT_TOOLS, STREAMED_CALLS, TOOL_TOKENS),
        _all(_flat_tools, _tool_tokens_told),
    ),
    "structured_typed": (
        (TYPED_DICT, cohere_suite.FORCED_TOOL),
        _all(_typed_refused, cohere_suite._forced_tool),
    ),
    "agent_checkpointed": (FLAT_TOOLS, _flat_tools),
    "react_agent_streamed": (FLAT_TOOLS, _flat_tools),
    "agent_streamed": (
        (FLAT_TOOLS, STREAMED_CALLS, SPLIT_CALL_RUN),
        _all(_flat_tools, _split_calls_sent, _agent_pieces),
    ),
    "cache_keys": ((_NAMED, FLAT_TOOLS), _named_key_refused),
    "cache_keys_required": (FLAT_TOOLS, _all(_flat_tools, _flat_key)),
    "cached_then_streamed": (STREAM_USAGE, _stream_usage(1)),
    "listened_runs": (STREAM_USAGE, _stream_usage(1)),
    "streaming_disabled": ((FLAT_TOOLS, STREAM_USAGE), _all(_flat_tools, _stream_usage(2))),
    "events_metadata": (
        (ASTREAM_USAGE, _MAX_TOKENS),
        _all(_stream_usage(1, _BILLED), _max_tokens_dropped(40)),
    ),
    "callback_arguments": (
        (FLAT_TOOLS, STREAMED_CALLS, _MAX_TOKENS),
        _all(_flat_tools, _max_tokens_dropped(50), _token_repeated),
    ),
    "copied_and_pickled": (COPIES, probe.copies_kept),
    "foreign_tool_forms": (FOREIGN, _foreign_forms),
    "message_ids": ((FLAT_TOOLS, STREAMED_CALLS), _all(_flat_tools, _call_ids)),
    "v0_blocks_read": ((FLAT_TOOLS, STREAMED_CALLS), _all(_flat_tools, _v0_blocks)),
    "v1_stream_summed": (
        (FLAT_TOOLS, STREAMED_CALLS, V1_INDEX, STREAM_USAGE),
        _all(_flat_tools, _v1_summed),
    ),
    "tools_parser_chain": ((FLAT_TOOLS, STREAMED_CALLS), _all(_flat_tools, _parsed_stream)),
    "structured_forms": (
        (INCLUDE_RAW_IGNORED, TYPED_DICT),
        _all(_typed_arm_refused, _json_mode_raw),
    ),
    "structured_tool_streamed": (STRUCTURED_DICT, _structured_dict_refused),
    "tool_choices": (
        (CHOICE_WORDS, _NAMED, _STRICT, FLAT_TOOLS),
        _all(_flat_tools, _choices_refused),
    ),
}

SUITE = dataclasses.replace(
    cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES),
    result=lambda value: probe.addresses_masked(cohere_suite._comparable_result(value)),
)
test_probe_y_same_as_langchain_cohere = SUITE.same_test()
