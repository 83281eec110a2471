"""The matrix's two tables, and how a cell is judged.

- `DIFFERENCES`: cells where chatplex differs from LangChain on purpose. Each carries one
  reason from the closed set `REASONS` (LangChain raises, hangs, loses data, or sends a
  request its provider rejects) and `shows`: a check, on LangChain's outcome, that it
  really does what the reason says (its text says what it looks for). A cell that differs
  and is not listed fails; a listed cell whose LangChain outcome no longer shows the
  reason, or that no longer differs, fails too.
- `GAPS`: cells where chatplex's drop-in (a LangChain `BaseChatModel` over chatplex's
  engine) still differs from the partner class with no closed reason (issue 47), each
  with the difference it shows today. Each is `xfail(strict=True)`: it fails the day
  it passes, so it must then leave this table.

A key is `(scenario, wire)`; `"*"` as the wire covers every wire (a cell that passes
under a `"*"` key fails as strictly as any other).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from chatplex.testing import MockServer

from ._kit import WIRES
from ._kit import Raised
from ._kit import Scenario
from ._kit import run_cell

#: The closed set of reasons a kept difference may give.
REASONS = frozenset({"raises", "hangs", "loses data", "rejected by provider"})


@dataclass(frozen=True)
class Difference:
    """A kept difference: its reason, what LangChain's outcome shows (in words) and the
    check that it still shows it."""

    reason: str
    shows: str
    check: Callable[[Any], bool]


def raises(kind: str) -> Callable[[Any], bool]:
    """LangChain's outcome is an exception of `kind` (module and class name)."""
    return lambda outcome: isinstance(outcome, Raised) and outcome.kind == kind


_PERPLEXITY_NO_TOOLS = Difference(
    "raises",
    "pydantic_core.ValidationError: langchain-perplexity builds an AIMessage with "
    "content=None from a reply that calls a tool; chatplex sends the tools as it does "
    "and reads the call",
    raises("pydantic_core._pydantic_core.ValidationError"),
)
_VERTEX_ASYNC_REST = Difference(
    "raises",
    "TypeError: langchain-google-vertexai's async calls over api_transport='rest' await "
    "the aiplatform REST client's plain GenerateContentResponse ('object "
    "GenerateContentResponse can't be used in 'await' expression'), whatever the server "
    "answers",
    raises("builtins.TypeError"),
)

#: Scenarios where the agent is given a tool (langchain-perplexity fails on the call).
WITH_TOOLS = (
    "agent_two_turns",
    "agent_two_turns_async",
    "agent_stream_messages",
    "agent_stream_events_v3",
    "agent_astream_events_v3",
    "summarization",
    "model_retry",
    "model_retry_async",
    "model_fallback",
    "tool_call_limit",
    "model_call_limit_end",
    "model_call_limit_error",
    "response_format_with_tools",
)
#: Scenarios whose model is called through its async methods.
ASYNC = (
    "agent_two_turns_async",
    "auto_strategy_async",
    "stream_messages_async",
    "astream_events",
    "agent_astream_events_v3",
)


def _streamed_no_usage(outcome: Any) -> bool:
    """Every chunk of the stream without usage_metadata."""
    return (
        isinstance(outcome, list)
        and bool(outcome)
        and all(isinstance(t, dict) and t.get("usage_metadata") is None for t in outcome)
    )


def _streamed_call_broken(outcome: Any) -> bool:
    """The streamed tool call's arguments came twice: an invalid call, and calls the
    model never made (one nameless, one with no arguments)."""
    if not isinstance(outcome, dict) or not isinstance(outcome.get("messages"), list):
        return False
    calls = [m for m in outcome["messages"] if isinstance(m, dict) and m.get("tool_calls")]
    return bool(calls) and bool(calls[0]["invalid_tool_calls"]) and len(calls[0]["tool_calls"]) > 1


def _call_numbers_as_floats(outcome: Any) -> bool:
    """A tool call's `function_call` arguments with its integer written as a float."""
    messages = outcome.get("messages") if isinstance(outcome, dict) else None
    calls = [
        (m.get("additional_kwargs") or {}).get("function_call")
        for m in messages or ()
        if isinstance(m, dict)
    ]
    return any(isinstance(c, dict) and '"degrees": 21.0' in str(c.get("arguments")) for c in calls)


def _ai_messages(value: Any) -> list[dict[str, Any]]:
    """Every AI message in `value` (plain data), in the order they appear."""
    if isinstance(value, list):
        return [m for v in value for m in _ai_messages(v)]
    if not isinstance(value, dict):
        return []
    if value.get("type") == "AIMessage":
        return [value]
    return [m for v in value.values() for m in _ai_messages(v)]


def _call_split(message: Any) -> bool:
    """A message (plain data) whose one tool call split apart (more than one call, or an
    invalid one)."""
    return isinstance(message, dict) and (
        len(message.get("tool_calls") or ()) > 1 or bool(message.get("invalid_tool_calls"))
    )


def _stream_call_split(outcome: Any) -> bool:
    """The first AI message of a streamed agent run (wherever the outcome holds it) has
    its one tool call split apart (more than one call, or an invalid one)."""
    replies = _ai_messages(outcome)
    return bool(replies) and (
        len(replies[0].get("tool_calls") or ()) > 1 or bool(replies[0].get("invalid_tool_calls"))
    )


def _usages(value: Any) -> list[dict[str, Any]]:
    """Every message's usage_metadata in `value` (plain data)."""
    if isinstance(value, list):
        return [u for v in value for u in _usages(v)]
    if not isinstance(value, dict):
        return []
    usage = value.get("usage_metadata")
    if isinstance(usage, dict):
        return [usage]
    return [u for v in value.values() for u in _usages(v)]


def _no_reasoning_count(outcome: Any) -> bool:
    """There are replies with usage in `outcome`, none with a reasoning count."""
    usages = _usages(outcome)
    return bool(usages) and all(
        "reasoning" not in (u.get("output_token_details") or {}) for u in usages
    )


def _retried_to_failure(error: str) -> Callable[[Any], bool]:
    """A check that ModelRetryMiddleware ended the run on its failure message, every
    attempt having raised `error`."""

    def check(outcome: Any) -> bool:
        words = f"failed after 2 attempts with {error}"
        return isinstance(outcome, list) and any(
            isinstance(m, dict) and words in str(m["content"]) for m in outcome
        )

    return check


def _no_model_name(outcome: Any) -> bool:
    """Every read of `request.model.model_name` in the custom middleware raised
    AttributeError (test_scripts.py's `MISSING`)."""
    seen = outcome.get("seen") if isinstance(outcome, dict) else None
    return bool(seen) and all(s.get("model_name") == "<AttributeError>" for s in seen)


def _events_call_split(outcome: Any) -> bool:
    """The chat model's end event of `astream_events` has its one streamed tool call
    split apart (more than one call, or an invalid one)."""
    ends = [
        e.get("output")
        for e in (outcome if isinstance(outcome, list) else ())
        if isinstance(e, dict) and e.get("event") == "on_chat_model_end"
    ]
    return any(
        isinstance(m, dict) and (len(m.get("tool_calls") or ()) > 1 or m.get("invalid_tool_calls"))
        for m in ends
    )


def _forced_unknown_tool(outcome: Any) -> bool:
    """`tool_choice="required"` went to the server as a choice of a tool named
    "required", which is not among the tools offered (test_model_api.py's `sent`)."""
    sent = (outcome.get("required") or {}).get("sent") if isinstance(outcome, dict) else None
    text = str(sent)
    return bool(sent) and "'name': 'required'" in text and "'required']" not in text


def _ran_without_arguments(outcome: Any) -> bool:
    """Somewhere in `outcome` (a message or a streamed piece), the tool's error for a
    call that came without its arguments."""
    if isinstance(outcome, list):
        return any(_ran_without_arguments(v) for v in outcome)
    if not isinstance(outcome, dict):
        return False
    said = str(outcome.get("text", outcome.get("content", "")))
    return said.startswith("Error invoking tool 'get_weather' with kwargs {}") or any(
        _ran_without_arguments(v) for v in outcome.values()
    )


def _sent_messages(outcome: Any) -> list[dict[str, Any]]:
    """Every message of every request body in `outcome` (test_content_scripts.py's
    `sent`, at any depth)."""
    if isinstance(outcome, list):
        return [m for v in outcome for m in _sent_messages(v)]
    if not isinstance(outcome, dict):
        return []
    found = [m for m in outcome.get("messages") or () if isinstance(m, dict)]
    return found + [m for k, v in outcome.items() if k != "messages" for m in _sent_messages(v)]


def _sent_block(kind: str, role: str, *keys: str) -> Callable[[Any], bool]:
    """A check that a request sent a `role` message with a content block of type `kind`
    (holding `keys`)."""

    def check(outcome: Any) -> bool:
        return any(
            isinstance(b, dict) and b.get("type") == kind and all(k in b for k in keys)
            for m in _sent_messages(outcome)
            if m.get("role") == role and isinstance(m.get("content"), list)
            for b in m["content"]
        )

    return check


def _tool_results_unnamed(outcome: Any) -> bool:
    """Every tool result a request sent has no `tool_name` (and there are some)."""
    results = [m for m in _sent_messages(outcome) if m.get("role") == "tool"]
    return bool(results) and all("tool_name" not in m for m in results)


def _empty_user_turn_sent(outcome: Any) -> bool:
    """A request sent a user turn of empty text."""
    return any(m.get("role") == "user" and m.get("content") == "" for m in _sent_messages(outcome))


def _merged_call_split(outcome: Any) -> bool:
    """The merged stream's one tool call split apart (more than one call, or an
    invalid one) (test_content_scripts.py's `merged`)."""
    merged = outcome.get("merged") if isinstance(outcome, dict) else None
    return isinstance(merged, dict) and (
        len(merged.get("tool_calls") or ()) > 1 or bool(merged.get("invalid_tool_calls"))
    )


def _every_reply_raised(kind: str) -> Callable[[Any], bool]:
    """Each part's `reply` is an exception of `kind`."""

    def check(outcome: Any) -> bool:
        parts = list(outcome.values()) if isinstance(outcome, dict) else []
        return bool(parts) and all(
            isinstance(p, dict) and raises(kind)(p.get("reply")) for p in parts
        )

    return check


def _forced_choice_named(outcome: Any) -> bool:
    """`tool_choice="required"` went to Vertex AI as the only function allowed, one named
    "required", which is not among the declarations (test_model_api.py's `sent`)."""
    sent = (outcome.get("required") or {}).get("sent") if isinstance(outcome, dict) else None
    calling = ((sent or [{}])[0].get("toolConfig") or {}).get("functionCallingConfig") or {}
    return calling.get("allowedFunctionNames") == ["required"]


def _choices_sent_as_given(outcome: Any) -> bool:
    """Every `tool_choice` went to the server as the script wrote it ("auto", "any",
    "required", a tool's name), none of Cohere's REQUIRED / NONE."""
    if not isinstance(outcome, dict) or not outcome:
        return False
    return all(
        isinstance(got, dict) and [b.get("tool_choice") for b in got.get("sent") or ()] == [choice]
        for choice, got in outcome.items()
    )


def _forced_choices_raised(kind: str) -> Callable[[Any], bool]:
    """A check that every forced `tool_choice` of `tool_choices` raised `kind` (the one
    left, "auto", answered)."""

    def check(outcome: Any) -> bool:
        forced = ("any", "required", "get_weather")
        return (
            isinstance(outcome, dict)
            and all(raises(kind)(outcome.get(choice)) for choice in forced)
            and not isinstance(outcome.get("auto"), Raised)
        )

    return check


def _structured_raised(kinds: dict[str, str]) -> Callable[[Any], bool]:
    """A check that `structured_methods` raised, by each method named, its `kind`."""
    return lambda outcome: (
        isinstance(outcome, dict)
        and all(raises(kind)(outcome.get(method)) for method, kind in kinds.items())
    )


def _structured_numbers_as_floats(outcome: Any) -> bool:
    """Each tool-calling method's raw reply has its `function_call` arguments' integer
    written as a float."""
    if not isinstance(outcome, dict):
        return False
    calls = [
        ((outcome.get(m) or {}).get("raw") or {}).get("additional_kwargs", {}).get("function_call")
        for m in ("function_calling", "json_schema", "strict")
    ]
    return all(isinstance(c, dict) and '"degrees": 1.0' in str(c.get("arguments")) for c in calls)


def _cut_result_answered(outcome: Any) -> bool:
    """A `pre_model_hook` sent a tool result as the first message (its call cut off), and
    the model's answer to that request came back (test_prebuilt_scripts.py's
    `react_hook_cut`: LangGraph's updates)."""
    updates = outcome if isinstance(outcome, list) else []
    for i, update in enumerate(updates[:-1]):
        sent = (update.get("pre_model_hook") or {}).get("llm_input_messages") or [{}]
        if sent[0].get("type") == "ToolMessage" and "agent" in updates[i + 1]:
            return True
    return False


def _max_tokens_dropped(outcome: Any) -> bool:
    """The call-time temperature went in the request's generationConfig, the call-time
    max_tokens nowhere."""
    sent = outcome.get("sent") if isinstance(outcome, dict) else None
    return sent == [{"generationConfig.temperature": 0.2}]


def _finish_reasons_joined(outcome: Any) -> bool:
    """A streamed reply's finish_reason in `outcome` (at any depth) is the chunks' own
    added up: FINISH_REASON_UNSPECIFIED repeated, then STOP."""
    if isinstance(outcome, list):
        return any(_finish_reasons_joined(v) for v in outcome)
    if not isinstance(outcome, dict):
        return False
    reason = outcome.get("finish_reason")
    head = reason.removesuffix("STOP") if isinstance(reason, str) else ""
    if head and not head.replace("FINISH_REASON_UNSPECIFIED", ""):
        return True
    return any(_finish_reasons_joined(v) for v in outcome.values())


def _declarations(value: Any) -> list[dict[str, Any]]:
    """Every Gemini function declaration in `value` (plain data, at any depth)."""
    if isinstance(value, list):
        return [d for v in value for d in _declarations(v)]
    if not isinstance(value, dict):
        return []
    own = [d for d in value.get("functionDeclarations") or () if isinstance(d, dict)]
    rest = [d for k, v in value.items() if k != "functionDeclarations" for d in _declarations(v)]
    return own + rest


def _openapi_without_defaults(outcome: Any) -> bool:
    """The function declarations sent are the OpenAPI subset (`parameters`, never
    `parametersJsonSchema`), without the defaults the bound tools have
    (test_schema_scripts.py's `sent`)."""
    found = _declarations(outcome)
    return any("parameters" in d for d in found) and all(
        "parametersJsonSchema" not in d and "'default'" not in str(d) for d in found
    )


def _function_tools(value: Any) -> list[dict[str, Any]]:
    """Every OpenAI-form tool (`{"type": "function", "function": ...}`) in `value`."""
    if isinstance(value, list):
        return [t for v in value for t in _function_tools(v)]
    if not isinstance(value, dict):
        return []
    if value.get("type") == "function" and isinstance(value.get("function"), dict):
        return [value]
    return [t for v in value.values() for t in _function_tools(v)]


def _tool_defaults_dropped(outcome: Any) -> bool:
    """The tools sent carry none of the defaults the bound tools have."""
    tools = _function_tools(outcome)
    return bool(tools) and "'default'" not in str(tools)


def _none_as_a_tool(outcome: Any) -> bool:
    """`tool_choice="none"` went to the server as a choice of a tool named "none", which
    is not among the tools offered (test_schema_scripts.py's `choice_none`)."""
    got = outcome.get("none") if isinstance(outcome, dict) else None
    sent = (got.get("sent") or [{}])[0] if isinstance(got, dict) else {}
    choice = sent.get("tool_choice") or (sent.get("toolConfig") or {}).get("toolChoice")
    return choice in ({"type": "tool", "name": "none"}, {"tool": {"name": "none"}})


def _strict_at_top(outcome: Any) -> bool:
    """`bind_tools(..., strict=True)` went as a top-level `strict` of the request."""
    sent = outcome.get("sent") if isinstance(outcome, dict) else None
    first = sent[0] if isinstance(sent, list) and sent else None
    return isinstance(first, dict) and first.get("strict") is True


def _sent_in_every_request(field: str, *parts: str) -> Callable[[Any], bool]:
    """Every request LangChain's outcome recorded (its `sent`, or each of its `parts`'s)
    carried `field`."""

    def check(theirs: Any) -> bool:
        if not isinstance(theirs, dict):
            return False
        holders = [theirs.get(p) for p in parts] if parts else [theirs]
        return all(
            isinstance(h, dict) and bool(h.get("sent")) and all(field in b for b in h["sent"])
            for h in holders
        )

    return check


def _merged_call_nameless(outcome: Any) -> bool:
    """A merged stream (a `merged` member at any depth) holds a tool call with no name:
    a call split apart (test_schema_scripts.py's parallel and invalid-argument calls)."""
    if isinstance(outcome, list):
        return any(_merged_call_nameless(v) for v in outcome)
    if not isinstance(outcome, dict):
        return False
    merged = outcome.get("merged")
    if isinstance(merged, dict) and any(
        isinstance(c, dict) and not c.get("name") for c in merged.get("tool_calls") or ()
    ):
        return True
    return any(_merged_call_nameless(v) for k, v in outcome.items() if k != "merged")


def _cut_call_repaired(outcome: Any) -> bool:
    """LangChain's merged stream has the call whose arguments were cut short as a valid
    call (its chunk merge repaired the JSON), no invalid one."""
    streamed = outcome.get("streamed") if isinstance(outcome, dict) else None
    merged = streamed.get("merged") if isinstance(streamed, dict) else None
    if not isinstance(merged, dict):
        return False
    return bool(merged.get("tool_calls")) and not merged.get("invalid_tool_calls")


#: langchain-ollama's tool results sent without the name of the call they answer.
OLLAMA_UNNAMED_RESULTS = Difference(
    "loses data",
    "langchain-ollama sends a tool result without the `tool_name` of the call it answers: "
    "Ollama has no tool-call ids, the name is the result's only link to its call; "
    "chatplex sends it",
    _tool_results_unnamed,
)


def ollama_unnamed_results(*scenarios: str) -> dict[tuple[str, str], Difference]:
    """The Ollama cells of `scenarios` (each sends a history with tool results), each kept
    as `OLLAMA_UNNAMED_RESULTS`."""
    return {(scenario, "ollama"): OLLAMA_UNNAMED_RESULTS for scenario in scenarios}


DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        (scenario, wire): Difference(
            "loses data",
            "a stream that ends inside a call's arguments merges into a valid call whose "
            "arguments LangChain repaired ({'restaurant': 'Le Cassé'}): the agent runs "
            "the tool on arguments the model never finished; chatplex's merged stream has "
            "it in invalid_tool_calls, as its invoke has",
            _cut_call_repaired,
        )
        for scenario in ("invalid_args", "invalid_args_async")
        for wire in ("openai", "anthropic", "bedrock_converse", "groq")
    },
    ("agent_stream_messages", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai gives each streamed tool-call chunk a new random id, so the "
        "merged reply's one call splits into several (one without arguments, one "
        "nameless, an invalid one with the rest): the agent runs the tool with no "
        "arguments and fails; chatplex keeps the call whole",
        _stream_call_split,
    ),
    # The scripts of test_graph_scripts.py and test_prebuilt_scripts.py that stream a
    # tool call (the same split).
    **{
        (scenario, "mistralai"): Difference(
            "loses data",
            "langchain-mistralai's streamed tool call splits apart (see "
            "agent_stream_messages): the graph runs the tool with no arguments and fails; "
            "chatplex keeps the call whole",
            _stream_call_split,
        )
        for scenario in (
            "tool_loop_multi_mode",
            "agent_events",
            "agent_async_two_turns_streamed",
            "stream_usage_loop",
            "subagent_tool",
            "usage_callback_streamed_agent",
            "tool_loop_async",
            "bound_in_two_nodes",
            "events_chat_models",
            "react_models",
        )
    },
    # The scripts of test_agent_tools.py that stream a tool call (the same split).
    **{
        (scenario, "mistralai"): Difference(
            "loses data",
            "langchain-mistralai's streamed tool call splits apart (see "
            "agent_stream_messages): the agent runs get_weather with no arguments ('Error "
            "invoking tool 'get_weather' with kwargs {}'); chatplex keeps the call whole",
            _ran_without_arguments,
        )
        for scenario in (
            "runtime_tool_streamed",
            "runtime_tool_async",
            "return_direct",
            "async_tool_updates",
        )
    },
    ("conversation_sent", "ollama"): Difference(
        "loses data",
        "langchain-ollama sends a tool result with only its tool_call_id, which Ollama "
        "ignores: with two calls to different tools the model can match their results "
        "wrongly; chatplex names the tool (`tool_name`), as tests/partners/ollama/ keeps it",
        _tool_results_unnamed,
    ),
    ("stream_usage_loop", "groq"): Difference(
        "raises",
        "TypeError: langchain-groq has no stream_usage field, moves it into model_kwargs and "
        "passes it to the groq SDK's Completions.create(), which refuses it; chatplex's "
        "ChatGroq streams with the usage asked for",
        raises("builtins.TypeError"),
    ),
    **{
        (scenario, "perplexity"): _PERPLEXITY_NO_TOOLS
        for scenario in WITH_TOOLS
        if scenario != "agent_stream_messages"
    },
    **{
        (scenario, "perplexity"): Difference(
            "raises",
            "each model call raises pydantic's ValidationError (see the other Perplexity "
            "rows); ModelRetryMiddleware ends the run on an AIMessage 'Model call failed "
            "after 2 attempts with ValidationError'",
            _retried_to_failure("ValidationError"),
        )
        for scenario in ("model_retry", "model_retry_async")
    },
    **{
        (scenario, "perplexity"): _PERPLEXITY_NO_TOOLS
        for scenario in ("tool_strategy", "auto_strategy", "auto_strategy_async")
    },
    ("model_retry_async", "vertex"): Difference(
        "raises",
        "each async model call raises the TypeError of langchain-google-vertexai's async "
        "REST path (see the other async Vertex AI rows); ModelRetryMiddleware ends the "
        "run on an AIMessage 'Model call failed after 2 attempts with TypeError'",
        _retried_to_failure("TypeError"),
    ),
    **{
        (scenario, "cohere"): Difference(
            "raises",
            "ValueError: langchain-cohere's agent with a ToolStrategy response format fails "
            "on the forced tool call's reply",
            raises("builtins.ValueError"),
        )
        for scenario in ("tool_strategy", "auto_strategy", "auto_strategy_async")
    },
    **{
        key: Difference(
            "raises",
            "StructuredOutputValidationError: LangChain's ProviderStrategy cannot parse the "
            "partner's reply into the schema",
            raises("langchain.agents.structured_output.StructuredOutputValidationError"),
        )
        for key in (
            ("provider_strategy", "vertex"),
            ("auto_strategy", "vertex"),
        )
    },
    ("provider_strategy", "nebius"): Difference(
        "raises",
        "AttributeError: langchain-nebius fails on ProviderStrategy's bind_tools(..., "
        "response_format=...)",
        raises("builtins.AttributeError"),
    ),
    **{(scenario, "vertex"): _VERTEX_ASYNC_REST for scenario in ASYNC},
    ("response_format_with_tools", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai writes a tool call's additional_kwargs['function_call']"
        "['arguments'] from protobuf's Struct: every number a float ('\"degrees\": 21.0'; "
        "an integer past 2**53 loses digits) and the keys in an order that changes from "
        "one process to the next; chatplex writes the reply's JSON as it came",
        _call_numbers_as_floats,
    ),
    # As tests/partners/cohere/ keeps them (STREAM_USAGE, STREAMED_CALLS).
    ("stream_messages", "cohere"): Difference(
        "loses data",
        "langchain-cohere's sync stream has no usage_metadata on any chunk (its async "
        "stream has it): token tracking loses every streamed call; chatplex's last chunk "
        "carries Cohere's usage",
        _streamed_no_usage,
    ),
    **{
        (scenario, "cohere"): Difference(
            "raises",
            "pydantic_core.ValidationError: under stream_events(version='v3') the agent's "
            "message is built from the protocol events, its content a list of v1 blocks, "
            "which langchain-cohere sends back as the assistant turn's tool_plan (a str "
            "field of its SDK's AssistantChatMessageV2): the second model call fails before "
            "any request; chatplex sends the history and the agent answers",
            raises("pydantic_core._pydantic_core.ValidationError"),
        )
        for scenario in ("agent_stream_events_v3", "agent_astream_events_v3")
    },
    ("agent_stream_messages", "cohere"): Difference(
        "loses data",
        "langchain-cohere's sync stream yields the last argument piece of a tool call again "
        "at tool-call-end and its last chunk repeats the calls as new pieces: the agent's "
        "message has an invalid call (the arguments twice) and two calls the model never "
        "made, and the run executes them; chatplex streams the one call",
        _streamed_call_broken,
    ),
    # The scripts of test_scripts.py.
    ("generate", "mistralai"): Difference(
        "raises",
        "TypeError: langchain-mistralai's _combine_llm_outputs adds the rows' token_usage "
        "values with +=, nested counts (prompt_tokens_details) included: generate() over "
        "two prompts fails after both replies came; chatplex returns them",
        raises("builtins.TypeError"),
    ),
    ("configurable", "bedrock_converse"): Difference(
        "raises",
        "pydantic_core.ValidationError: langchain-aws's ChatBedrockConverse under "
        "configurable_fields(temperature=...) fails to rebuild itself with the field set; "
        "chatplex's answers with the temperature sent",
        raises("pydantic_core._pydantic_core.ValidationError"),
    ),
    **{
        ("custom_middleware", wire): Difference(
            "raises",
            "AttributeError: the partner class has no `model_name` (its field is `model`), "
            "so a middleware reading `request.model.model_name` raises; chatplex's drop-in "
            "answers the model's name",
            _no_model_name,
        )
        for wire in ("anthropic", "gemini", "bedrock_converse", "ollama", "mistralai")
    },
    # The scripts of test_model_api.py.
    ("stream_events_tools", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai gives each streamed tool-call chunk a new random id (see "
        "agent_stream_messages): astream_events' on_chat_model_end output has the one "
        "call split into a call without arguments, a nameless one and an invalid one; "
        "chatplex's has the call whole",
        _events_call_split,
    ),
    **{
        ("tool_choices", wire): Difference(
            "rejected by provider",
            f"{package} sends bind_tools(tool_choice='required') as a choice of a tool "
            f"named 'required' ({form}), which is not among the tools offered: the API "
            "refuses the request (400; Anthropic's says \"Tool 'required' not found in "
            "provided tools\"); chatplex sends LangChain's meaning, any tool "
            "(as it sends 'any')",
            _forced_unknown_tool,
        )
        for wire, package, form in (
            ("anthropic", "langchain-anthropic", "{'type': 'tool', 'name': 'required'}"),
            ("bedrock_converse", "langchain-aws", "toolChoice {'tool': {'name': 'required'}}"),
        )
    },
    ("structured_stream", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool-call chunks each carry a new random id (see "
        "agent_stream_messages), so with_structured_output(...).stream() never sees a whole "
        "call and yields nothing, by either method; chatplex yields the parsed object",
        lambda theirs: (
            isinstance(theirs, dict)
            and theirs.get("default") == []
            and theirs.get("function_calling") == []
        ),
    ),
    ("response_format_class", "bedrock_converse"): Difference(
        "raises",
        "AttributeError: langchain-aws's ChatBedrockConverse cannot take a pydantic class "
        "as a call's response_format; the drop-in raises ValueError",
        lambda theirs: all(
            raises("builtins.AttributeError")(theirs[k]) for k in ("invoke", "last", "async")
        ),
    ),
    ("structured_stream_raw", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool-call chunks each carry a new random id (see "
        "agent_stream_messages), so with_structured_output(..., include_raw=True).stream()"
        "'s raw reply has its one call split apart (and nothing parsed); chatplex keeps "
        "it whole",
        lambda theirs: all(
            isinstance(theirs[side], list)
            and bool(theirs[side])
            and _call_split(theirs[side][0].get("raw"))
            for side in ("sync", "async")
        ),
    ),
    **{
        ("per_call_settings", wire): Difference(
            "raises",
            f"{kind.rsplit('.', 1)[-1]}: {why}",
            lambda theirs, kind=kind: raises(kind)(theirs["reply"]),
        )
        for wire, kind, why in (
            (
                "gemini",
                "pydantic_core._pydantic_core.ValidationError",
                "langchain-google-genai fails on invoke(..., temperature=..., "
                "max_tokens=...) (the call-time keywords go into its request config "
                "unchecked); chatplex sends them (generationConfig's temperature and "
                "maxOutputTokens)",
            ),
        )
    },
    # The scripts of test_config_scripts.py.
    ("init_prefixed", "ollama"): Difference(
        "loses data",
        "langchain-ollama has no max_tokens field: the configurable model LangChain's "
        "init_chat_model builds for a call setting foo_max_tokens=50 drops it without a "
        "word and sends no limit; the drop-in sends it as options.num_predict (as "
        "tests/partners/ollama keeps for ChatOllama(max_tokens=...))",
        lambda theirs: (
            isinstance(theirs, dict)
            and bool(theirs.get("sent"))
            and 50 not in theirs["sent"][0].values()
        ),
    ),
    **{
        ("copies", wire): Difference(
            "raises",
            f"{why}, so copy.deepcopy of the model fails (TypeError 'cannot pickle "
            f"{lock} object') and pickle too ({pickled.rsplit('.', 1)[-1]}); the drop-in "
            "copies and pickles (its key with it, as langchain-anthropic's does), its copy "
            "equals it and answers",
            lambda theirs, lock=lock, pickled=pickled: (
                isinstance(theirs, dict)
                and raises("builtins.TypeError")(theirs.get("deep"))
                and raises(pickled)(theirs.get("pickled"))
            ),
        )
        for wire, why, lock, pickled in (
            (
                "ollama",
                "langchain-ollama's ChatOllama holds ollama's clients",
                "_thread.RLock",
                "builtins.TypeError",
            ),
            (
                "openai",
                "langchain-openai's ChatOpenAI holds the openai SDK's clients",
                "_thread.RLock",
                "builtins.TypeError",
            ),
            (
                "groq",
                "langchain-groq's ChatGroq holds the groq SDK's clients",
                "_thread.RLock",
                "builtins.TypeError",
            ),
            (
                "mistralai",
                "langchain-mistralai's ChatMistralAI holds httpx clients",
                "_thread.RLock",
                "builtins.TypeError",
            ),
            (
                "gemini",
                "langchain-google-genai's model holds the google-genai SDK's client",
                "_thread.lock",
                "builtins.TypeError",
            ),
            (
                "bedrock_converse",
                "langchain-aws's ChatBedrockConverse holds a botocore "
                "client (whose class pickle cannot look up: _pickle.PicklingError)",
                "_thread.lock",
                "_pickle.PicklingError",
            ),
        )
    },
    **{
        ("env_no_key", wire): Difference(
            "raises",
            f"{kind.rsplit('.', 1)[-1]}: {why}; chatplex's drop-in, pointed at a server "
            "other than the provider's own (a local or self-hosted one may need no key), "
            "sends the request without a key (to the provider's own host it refuses "
            "before any request, as tests/partners/compatible's missing_key_own_host keeps)",
            lambda theirs, kind=kind, at=at: (
                isinstance(theirs, dict) and raises(kind)(theirs.get(at))
            ),
        )
        for wire, kind, at, why in (
            (
                "openai",
                "openai.OpenAIError",
                "built",
                "with no key in code or OPENAI_API_KEY, langchain-openai's client refuses "
                "when the model is built, whatever its base_url",
            ),
            (
                "groq",
                "groq.GroqError",
                "built",
                "with no key in code or GROQ_API_KEY, langchain-groq's client refuses when "
                "the model is built, whatever its base_url",
            ),
            (
                "gemini",
                "pydantic_core._pydantic_core.ValidationError",
                "built",
                "with no key in code, GOOGLE_API_KEY or GEMINI_API_KEY, "
                "langchain-google-genai refuses when the model is built ('API key "
                "required for Gemini Developer API'), whatever its base_url",
            ),
            (
                "anthropic",
                "langchain_anthropic.chat_models.AnthropicConnectionError",
                "reply",
                "with no key, langchain-anthropic hands the SDK an empty key, which it "
                "sends as 'Authorization: Bearer ': httpx refuses the header "
                "(LocalProtocolError 'Illegal header value'), no request is made",
            ),
        )
    },
    # The scripts of test_content_scripts.py.
    ("image_url_blocks", "ollama"): Difference(
        "raises",
        "pydantic_core.PydanticSerializationError: langchain-ollama hands an https image "
        "URL to the ollama SDK's Image, which reads it as a file path or base64 and cannot "
        "serialize it, before any request; chatplex raises a ValueError naming the "
        "provider (Ollama takes no image URLs), before any request too",
        lambda theirs: (
            isinstance(theirs, dict)
            and raises("pydantic_core._pydantic_core.PydanticSerializationError")(
                (theirs.get("openai") or {}).get("reply")
            )
        ),
    ),
    ("v1_tool_stream", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai gives each streamed tool-call chunk a new random id (see "
        "agent_stream_messages): under output_version='v1' the merged reply's one call "
        "splits into a call without arguments, a nameless one and an invalid one; "
        "chatplex's has the call whole",
        _merged_call_split,
    ),
    ("reasoning_history", "ollama"): Difference(
        "raises",
        "ValueError: langchain-ollama refuses an AI turn of the history holding a "
        "reasoning block (Anthropic's `thinking`, LangChain's v1 `reasoning`); chatplex "
        "sends it back as Ollama's `thinking`",
        _every_reply_raised("builtins.ValueError"),
    ),
    ("reasoning_history", "mistralai"): Difference(
        "rejected by provider",
        "langchain-mistralai sends an AI turn's reasoning blocks as they are (a v1 "
        "`reasoning` block, an Anthropic `thinking` block with a string and a "
        "signature): neither is a Mistral content chunk, and the API refuses the "
        "request (422); chatplex sends the turn's text",
        _sent_block("reasoning", "assistant", "reasoning"),
    ),
    **ollama_unnamed_results("ai_blocks_history", "tool_results", "tool_results_async"),
    ("consecutive_users", "anthropic"): Difference(
        "rejected by provider",
        "langchain-anthropic sends an empty HumanMessage as a user turn of content '', "
        "which the Messages API refuses (400: every message but a final assistant one "
        "needs non-empty content); chatplex raises ValueError before any request",
        _empty_user_turn_sent,
    ),
    **{
        ("tool_results", wire): Difference(
            "rejected by provider",
            f"{package} sends a ToolMessage's LangChain v1 image block as it is "
            "({'type': 'image', 'base64': ..., 'mime_type': ...}), which is not a "
            "content part of the API's chat format: the API refuses the request; "
            "chatplex sends it as an `image_url` part, as ChatOpenAI does",
            _sent_block("image", "tool", "base64"),
        )
        for wire, package in (("groq", "langchain-groq"), ("mistralai", "langchain-mistralai"))
    },
    # The scripts of test_side_wires.py (the wires the script sets leave out).
    ("fields", "cohere"): Difference(
        "raises",
        "pydantic_core.PydanticSerializationError: langchain-cohere's model_dump_json() "
        "fails on its cohere SDK clients (its client / async_client fields); chatplex's "
        "writes the partner's keys, the clients as null (model_dump() has them)",
        raises("pydantic_core._pydantic_core.PydanticSerializationError"),
    ),
    ("stream_events", "vertex"): _VERTEX_ASYNC_REST,
    ("agent_stream_messages", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai puts FINISH_REASON_UNSPECIFIED on every stream chunk "
        "before the last, so the streamed reply's finish_reason adds up to "
        "'FINISH_REASON_UNSPECIFIED...STOP', which no == 'STOP' check matches (as "
        "tests/partners/vertex keeps it); chatplex's is 'STOP'",
        lambda theirs: _finish_reasons_joined(theirs),
    ),
    ("structured_methods", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai writes a tool call's function_call arguments from "
        "protobuf's Struct (see response_format_with_tools): the structured call's "
        "integer comes back as a float ('\"degrees\": 1.0'); chatplex writes the reply's "
        "JSON as it came",
        _structured_numbers_as_floats,
    ),
    ("tool_choices", "vertex"): Difference(
        "rejected by provider",
        "langchain-google-vertexai sends bind_tools(tool_choice='required') as mode ANY "
        "with allowedFunctionNames ['required'], a function not declared, which Vertex "
        "AI refuses (400); chatplex sends mode ANY over the tools offered. (Its REST "
        "client also writes the modes as numbers, 1 and 2: the same to Vertex AI)",
        _forced_choice_named,
    ),
    ("structured_methods", "cohere"): Difference(
        "raises",
        "with include_raw=True langchain-cohere raises: function_calling passes include_raw "
        "on to the cohere SDK's V2Client.chat() (TypeError), its JSON methods leave the "
        "parser unwrapped and send the schema as response_format's 'schema' where "
        "Cohere's v2 API reads 'json_schema', so the reply does not follow it "
        "(OutputParserException); chatplex returns raw, parsed and parsing_error",
        _structured_raised(
            {
                "function_calling": "builtins.TypeError",
                "json_schema": "langchain_core.exceptions.OutputParserException",
                "json_mode": "langchain_core.exceptions.OutputParserException",
                "strict": "langchain_core.exceptions.OutputParserException",
            }
        ),
    ),
    ("tool_choices", "cohere"): Difference(
        "rejected by provider",
        "langchain-cohere sends bind_tools' tool_choice as written ('auto', 'any', "
        "'required', a tool's name), where Cohere's v2 API takes only REQUIRED or NONE "
        "(400); chatplex sends none for 'auto' and REQUIRED for the others",
        _choices_sent_as_given,
    ),
    ("structured_methods", "nebius"): Difference(
        "raises",
        "AttributeError: langchain-nebius fails on with_structured_output by the "
        "response_format methods (json_schema, json_mode, strict; see provider_strategy); "
        "chatplex answers them",
        _structured_raised(
            {m: "builtins.AttributeError" for m in ("json_schema", "json_mode", "strict")}
        ),
    ),
    ("tool_choices", "perplexity"): Difference(
        "raises",
        "pydantic_core.ValidationError: langchain-perplexity builds an AIMessage with "
        "content=None from the reply that calls the forced tool ('any', 'required', the "
        "tool's name); chatplex reads the call",
        _forced_choices_raised("pydantic_core._pydantic_core.ValidationError"),
    ),
    **{
        ("tool_choices", wire): Difference(
            "rejected by provider",
            f"{package} sends bind_tools(tool_choice='required') as a choice of a tool "
            f"named 'required' ({form}), which is not among the tools offered: the API "
            "refuses the request (400); chatplex sends LangChain's meaning, any tool",
            _forced_unknown_tool,
        )
        for wire, package, form in (
            ("bedrock", "langchain-aws's ChatBedrock", "{'type': 'tool', 'name': 'required'}"),
            (
                "fireworks",
                "langchain-fireworks",
                "{'type': 'function', 'function': {'name': 'required'}}",
            ),
        )
    },
    ("metadata_order", "perplexity"): Difference(
        "loses data",
        "langchain-perplexity reads only a top-level `reasoning_tokens` and drops the "
        "`completion_tokens_details` of Perplexity's usage (FIELD_DIFFERENCES keeps it "
        "for every reply): its usage's output_token_details have no keys; chatplex's have "
        "'reasoning'. The response_metadata orders are the partner's",
        lambda theirs: isinstance(theirs, dict) and theirs.get("usage", [None] * 3)[2] == [],
    ),
    # The scripts of test_prebuilt_scripts.py.
    ("structured_nodes_streamed", "mistralai"): Difference(
        "raises",
        "pydantic_core.ValidationError: in a graph streamed as messages the node's "
        "with_structured_output(...).invoke streams, and langchain-mistralai's streamed "
        "tool call splits apart (see agent_stream_messages): the parser is handed a "
        "Forecast with no arguments; chatplex keeps the call whole and parses it",
        raises("pydantic_core._pydantic_core.ValidationError"),
    ),
    **{
        ("react_hook_cut", wire): Difference(
            "rejected by provider",
            f"{package} sends a history whose first message is a tool result cut from the "
            "call it answers (a pre_model_hook keeping the last message), which the API "
            "refuses (400: a tool result must follow the assistant turn that made the call); "
            "chatplex raises ValueError before any request, naming the cut (as "
            "tests/reliability/test_bad_input_table.py's 'orphan ToolMessage' keeps it)",
            _cut_result_answered,
        )
        for wire, package in (
            ("openai", "langchain-openai"),
            ("anthropic", "langchain-anthropic"),
            ("bedrock_converse", "langchain-aws"),
            ("groq", "langchain-groq"),
            ("mistralai", "langchain-mistralai"),
        )
    },
    ("per_call_settings", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai drops invoke(..., max_tokens=50) without a word (its "
        "call-time name is max_output_tokens; the temperature goes): the request has no "
        "output limit; chatplex sends generationConfig's maxOutputTokens",
        _max_tokens_dropped,
    ),
    # The scripts of test_schema_scripts.py.
    **{
        ("choice_none", wire): Difference(
            "rejected by provider",
            f"{package} sends bind_tools(tool_choice='none') as a choice of a tool named "
            f"'none' ({form}), which is not among the tools offered: the API refuses the "
            "request; chatplex sends Anthropic's 'none' / refuses it before any request "
            "(Bedrock Converse has no such choice: ValueError)",
            _none_as_a_tool,
        )
        for wire, package, form in (
            ("anthropic", "langchain-anthropic", "{'type': 'tool', 'name': 'none'}"),
            ("bedrock_converse", "langchain-aws", "{'tool': {'name': 'none'}}"),
        )
    },
    ("strict_tools", "mistralai"): Difference(
        "rejected by provider",
        "langchain-mistralai passes bind_tools(strict=True) to the request as a top-level "
        "`strict`, which Mistral's API refuses (422 extra_forbidden: 'Extra inputs are not "
        "permitted'), its tools sent as without it; chatplex marks each tool strict",
        _strict_at_top,
    ),
    **{
        (scenario, "mistralai"): Difference(
            "loses data",
            "langchain-mistralai's streamed tool call splits apart (see "
            "agent_stream_messages): the merged stream holds a nameless call with no "
            "arguments beside the real one (its arguments lost, or scattered over invalid "
            "calls); chatplex keeps the call whole",
            _merged_call_split,
        )
        for scenario in ("empty_args_call", "unicode_args_call", "unicode_args_async")
    },
    **{
        (scenario, "mistralai"): Difference(
            "loses data",
            "langchain-mistralai's streamed tool call splits apart (see "
            "agent_stream_messages): two parallel calls, or one whose arguments are not "
            "JSON, merge into calls without arguments beside a nameless one (the arguments "
            "scattered over invalid calls); chatplex keeps each call whole",
            _merged_call_nameless,
        )
        for scenario in (
            "parallel_calls",
            "parallel_calls_async",
            "invalid_args",
            "invalid_args_async",
        )
    },
    **{
        (scenario, "ollama"): Difference(
            "loses data",
            "langchain-ollama sends a tool result with only its tool_call_id (see "
            "conversation_sent); chatplex names the tool (`tool_name`)",
            _tool_results_unnamed,
        )
        for scenario in ("empty_args_call", "unicode_args_call", "parallel_calls")
    },
    # The scripts of test_reply_scripts.py.
    **{
        (scenario, "bedrock_converse"): Difference(
            "rejected by provider",
            "langchain-aws's ChatBedrockConverse moves a keyword it has no field for "
            f"({names}) into additionalModelRequestFields, which Bedrock hands to the "
            "model: its Anthropic models refuse the request (ValidationException "
            "'extraneous key [...] is not permitted'); the drop-in raises TypeError before "
            "any request, pointing at additional_model_request_fields",
            _sent_in_every_request(field, *at),
        )
        for scenario, names, field, at in (
            (
                "logprobs",
                "logprobs=True, top_logprobs=2",
                "additionalModelRequestFields.logprobs",
                (),
            ),
            ("candidates", "n=2", "additionalModelRequestFields.n", ()),
            (
                "stream_usage_flags",
                "stream_usage",
                "additionalModelRequestFields.stream_usage",
                ("off", "on"),
            ),
        )
    },
    ("stream_usage_flags", "mistralai"): Difference(
        "rejected by provider",
        "langchain-mistralai sends stream_usage (given to the class or to a call) as a "
        "body field, which Mistral's API refuses (422, as it refuses `seed`: see "
        "sampling_sent); the drop-in takes it as LangChain's setting and sends nothing "
        "of it",
        _sent_in_every_request("stream_usage", "off", "on", "per_call"),
    ),
    ("logprobs", "groq"): Difference(
        "rejected by provider",
        "langchain-groq sends logprobs and top_logprobs, which Groq refuses with a 400 "
        "(console.groq.com/docs/openai: 'not supported and will result in a 400 error'); "
        "the drop-in raises before any request, naming Groq",
        lambda theirs: (
            isinstance(theirs, dict)
            and bool(theirs.get("sent"))
            and theirs["sent"][0].get("logprobs") is True
        ),
    ),
    ("agenerate_handler", "mistralai"): Difference(
        "raises",
        "TypeError: langchain-mistralai's _combine_llm_outputs adds nested token counts "
        "with += (see generate): agenerate() over two prompts fails after both replies "
        "came; chatplex returns them",
        raises("builtins.TypeError"),
    ),
    ("candidates", "ollama"): Difference(
        "loses data",
        "langchain-ollama takes n=2 without a word (it ignores any keyword it has no "
        "field for) and sends nothing of it: one generation where two were asked; the "
        "drop-in raises TypeError (Ollama has no candidates)",
        lambda theirs: (
            isinstance(theirs, dict)
            and [len(row) for row in theirs.get("generations") or ()] == [1]
            and theirs.get("sent") == [{}, {}]
        ),
    ),
    ("stream_usage_flags", "groq"): Difference(
        "raises",
        "TypeError: langchain-groq has no stream_usage field (see stream_usage_loop): "
        "ChatGroq(stream_usage=...) streams into the groq SDK's refusal; chatplex's "
        "ChatGroq streams with the usage asked for or not",
        lambda theirs: all(raises("builtins.TypeError")(theirs[k]) for k in ("off", "on")),
    ),
    ("stream_usage_flags", "gemini"): Difference(
        "raises",
        "pydantic_core.ValidationError: langchain-google-genai has no stream_usage field "
        "and puts a call's stream_usage=True into google-genai's GenerateContentConfig, "
        "which forbids extra fields; chatplex streams with the usage asked for (Gemini's "
        "streams always carry it; the class's stream_usage goes to model_kwargs with "
        "LangChain's warning on both sides)",
        lambda theirs: (
            isinstance(theirs, dict)
            and raises("pydantic_core._pydantic_core.ValidationError")(theirs.get("per_call"))
        ),
    ),
    ("structured_dicts", "gemini"): Difference(
        "raises",
        "AttributeError: langchain-google-genai takes a JSON-schema dict without a title "
        "by function calling, writes `parameters: {}` into the caller's dict and fails at "
        "invoke ('NoneType' object has no attribute 'get'); chatplex raises langchain-"
        "core's ValueError (a dict that names no tool) when it is bound. The TypedDict's "
        "tool goes as every tool does (see pydantic_tool): the partner's OpenAPI "
        "`parameters`, chatplex's `parametersJsonSchema`",
        lambda theirs: (
            isinstance(theirs, dict)
            and raises("builtins.AttributeError")(theirs.get("untitled_tool"))
            and _openapi_without_defaults(theirs.get("typeddict_tool"))
        ),
    ),
    ("back_to_message", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool call splits apart (see "
        "agent_stream_messages): message_chunk_to_message of the merged stream has a "
        "call without arguments, a nameless one and an invalid one, not the invoked "
        "reply's call; chatplex keeps the call whole",
        lambda theirs: (
            isinstance(theirs, dict)
            and theirs.get("same_calls") is False
            and _call_split(theirs.get("message"))
        ),
    ),
    **{
        (scenario, "gemini"): Difference(
            "raises",
            "pydantic_core.ValidationError: langchain-google-genai fails on invoke(..., "
            "seed=7, stop=[...], max_tokens=9) (the call-time keywords go into its "
            "request config unchecked; see per_call_settings); chatplex sends them in "
            "generationConfig",
            lambda theirs: (
                isinstance(theirs, dict)
                and raises("pydantic_core._pydantic_core.ValidationError")(theirs["replies"][1])
            ),
        )
        for scenario in ("sampling_sent", "sampling_sent_async")
    },
    **{
        (scenario, "ollama"): Difference(
            "loses data",
            "langchain-ollama declares a tool without its parameters' defaults (and a "
            "nested model without its properties): the model is never told them; chatplex "
            "sends the schema LangChain's convert_to_openai_tool makes",
            _tool_defaults_dropped,
        )
        for scenario in (
            "pydantic_tool",
            "function_tools",
            "dict_tools",
            "dict_tools_async",
            # with_structured_output(method="function_calling"): the schema's tool
            "structured_nested",
            "structured_strict",
            "structured_misfit",
            # bind_tools(strict=True) and tool_choice="none": both sides ignore them, as
            # langchain-ollama does; the tools' defaults are the only difference
            "strict_tools",
            "choice_none",
        )
    },
    **{
        (scenario, "gemini"): Difference(
            "loses data",
            "langchain-google-genai declares each function in the OpenAPI subset "
            "(`parameters`), dropping its defaults, `minimum`/`maximum` and a nullable "
            "field's null (the model is never told them), as tests/partners/google keeps "
            "it; chatplex sends `parametersJsonSchema`, the JSON Schema as given",
            _openapi_without_defaults,
        )
        for scenario in (
            "pydantic_tool",
            "function_tools",
            "dict_tools",
            "dict_tools_async",
            "choice_none",
            "strict_tools",
            "structured_nested",
            "structured_misfit",
            "structured_strict",
        )
    },
    **{
        (scenario, "ollama"): Difference(
            "loses data",
            "langchain-ollama has no max_tokens field (see init_prefixed): "
            "ChatOllama(max_tokens=40) drops it without a word and sends no limit; the "
            "drop-in sends it as options.num_predict",
            lambda theirs: (
                isinstance(theirs, dict)
                and bool(theirs.get("sent"))
                and "options.num_predict" not in theirs["sent"][0]
            ),
        )
        for scenario in ("sampling_sent", "sampling_sent_async")
    },
    **{
        (scenario, "mistralai"): Difference(
            "rejected by provider",
            "langchain-mistralai sends invoke(..., seed=7) as `seed`, a field Mistral's "
            "API refuses (422; as tests/partners/compatible keeps it for model_kwargs); "
            "chatplex sends Mistral's `random_seed`",
            lambda theirs: (
                isinstance(theirs, dict)
                and len(theirs.get("sent") or ()) == 2
                and theirs["sent"][1].get("seed") == 7
                and "random_seed" not in theirs["sent"][1]
            ),
        )
        for scenario in ("sampling_sent", "sampling_sent_async")
    },
    # The scripts of test_chain_scripts.py.
    ("tool_parsers_stream", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool-call chunks each carry a new random id (see "
        "agent_stream_messages), so `bind_tools(...) | PydanticToolsParser(first_tool_only="
        "True)` streamed yields nothing and `| JsonOutputKeyToolsParser(...)` only {}: the "
        "call's arguments never come whole; chatplex yields the call's arguments",
        lambda theirs: (
            isinstance(theirs, dict)
            and theirs.get("pydantic") == []
            and {"location": "Paris"} not in (theirs.get("key") or [])
        ),
    ),
    ("config_passthrough", "bedrock_converse"): Difference(
        "raises",
        "pydantic_core.ValidationError: langchain-aws's ChatBedrockConverse under "
        "configurable_fields(temperature=...) fails to rebuild itself with the field set "
        "(see configurable), in a chain and under with_config(configurable=...); "
        "chatplex's answers with the temperature sent",
        raises("pydantic_core._pydantic_core.ValidationError"),
    ),
    ("configurable_model", "bedrock_converse"): Difference(
        "raises",
        "pydantic_core.ValidationError: langchain-aws's ChatBedrockConverse under "
        "configurable_fields(model_id=..., temperature=...) fails to rebuild itself (see "
        "configurable); the drop-in's answers with the model and temperature the call "
        "sets. The alternatives answer alike",
        lambda theirs: (
            isinstance(theirs, dict)
            and raises("pydantic_core._pydantic_core.ValidationError")(theirs.get("switched"))
        ),
    ),
}

# ---- the gaps (issue 47), each with the difference the cell shows today -----------------

#: (Open today: rows of this session's new script sets; each says what differs.)
GAPS: dict[tuple[str, str], str] = {
    (scenario, "mistralai"): (
        "the mock server streams a call's arguments in pieces (Mistral's API sends a call "
        "whole); LangChain's v3 bridge reads each piece through langchain-mistralai's "
        "content-block translator and ends the call with no name and no arguments on both "
        "sides. langchain-mistralai gives each piece a random id, so the agent runs a "
        "nameless tool and answers; chatplex's later pieces carry no id (as sent), and "
        "LangGraph's ToolNode raises a ValidationError (tool_call_id None)"
    )
    for scenario in ("agent_stream_events_v3", "agent_astream_events_v3")
}

#: Gaps in one field of every reply of a wire, whatever the scenario: `(wire, path)`
#: (a dotted path in a message's plain data, `[*]` for every element of a list) ->
#: the gap. The scenarios compare without these fields (so that each cell judges its
#: scenario); `test_graphs.py::test_field_gap` keeps each one checked, xfailed strictly,
#: on one plain reply with the field left in. (None open today.)
FIELD_GAPS: dict[tuple[str, str], str] = {}

#: Kept differences in one field of every reply of a wire: `(wire, path)` -> the
#: `Difference`, whose check reads LangChain's outcome. The scenarios compare without
#: the field; `test_graphs.py::test_field_gap` checks each on one plain reply with the
#: field left in: LangChain's outcome still shows the reason, and chatplex's differs
#: in that field alone.
FIELD_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("perplexity", "usage_metadata.output_token_details"): Difference(
        "loses data",
        "langchain-perplexity reads only a top-level `reasoning_tokens` and drops the "
        "`completion_tokens_details` of Perplexity's usage: its output_token_details are "
        "empty; chatplex reports them ({'reasoning': 0})",
        lambda theirs: _no_reasoning_count(theirs),
    ),
}

#: Cells that cannot be compared here, and why (skipped, not passed).
NOT_COMPARABLE: dict[tuple[str, str], str] = {
    ("tool_strategy", "vertex"): (
        "langchain-google-vertexai's run did not end within HANG_AFTER on a loaded machine; "
        "not yet told apart from slowness, so not listed as 'hangs'"
    )
}


#: A family's own table of gaps or of kept differences, beside the shared one.
Table = Mapping[tuple[str, str], Any]


def _gap(scenario: str, wire: str, gaps: Table, differences: Table) -> str | None:
    key = (scenario, wire)
    if key in DIFFERENCES or key in differences or key in NOT_COMPARABLE:
        return None
    found = GAPS.get(key) or GAPS.get((scenario, "*"))
    return found or gaps.get(key) or gaps.get((scenario, "*"))


def cells(
    scenarios: Iterable[str],
    wires: Iterable[str] = WIRES,
    *,
    gaps: Table | None = None,
    differences: Table | None = None,
) -> list[Any]:
    """The `(scenario, wire)` parameters of a family (over `wires`, every wire unless
    told), each gap marked strict xfail; `gaps` and `differences`: the family's own
    tables, read beside `GAPS` and `DIFFERENCES`."""
    out = []
    for scenario in scenarios:
        for wire in wires:
            gap = _gap(scenario, wire, gaps or {}, differences or {})
            marks: list[Any] = []
            if gap:
                marks.append(pytest.mark.xfail(strict=True, reason=f"issue 47: {gap}"))
            if (scenario, wire) in NOT_COMPARABLE:
                marks.append(pytest.mark.skip(reason=NOT_COMPARABLE[(scenario, wire)]))
            out.append(pytest.param(scenario, wire, marks=marks, id=f"{scenario}-{wire}"))
    return out


def field_gap_cells() -> list[Any]:
    """One parameter per `FIELD_GAPS` row, xfailed strictly with its gap, and one per
    `FIELD_DIFFERENCES` row."""
    return [
        pytest.param(
            wire,
            path,
            marks=[pytest.mark.xfail(strict=True, reason=f"issue 47: {gap}")],
            id=f"{wire}-{path}",
        )
        for (wire, path), gap in FIELD_GAPS.items()
    ] + [pytest.param(wire, path, id=f"{wire}-{path}") for wire, path in FIELD_DIFFERENCES]


def without_field(value: Any, path: str) -> Any:
    """`value` (plain data) without `path` in any message in it."""
    if isinstance(value, list):
        return [without_field(v, path) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: without_field(v, path) for k, v in value.items()}
    if "type" in out and "content" in out:
        out = _drop(out, path.split("."))
    return out


def _drop(value: Any, steps: list[str]) -> Any:
    step, rest = steps[0], steps[1:]
    if step.endswith("[*]"):
        key = step[:-3]
        if isinstance(value, dict) and isinstance(value.get(key), list):
            items = value[key]
            kept = [_drop(i, rest) if rest and isinstance(i, dict) else i for i in items]
            return {**value, key: kept}
        return value
    if not isinstance(value, dict) or step not in value:
        return value
    if not rest:
        return {k: v for k, v in value.items() if k != step}
    return {**value, step: _drop(value[step], rest)}


def field_gaps_out(wire: str, value: Any) -> Any:
    for gap_wire, path in [*FIELD_GAPS, *FIELD_DIFFERENCES]:
        if gap_wire == wire:
            value = without_field(value, path)
    return value


def judge(
    scenario: str,
    wire: str,
    theirs: Any,
    ours: Any,
    differences: Mapping[tuple[str, str], Difference] | None = None,
) -> None:
    """Pass when the outcomes are the same, or differ as `DIFFERENCES` (or the family's
    own `differences`) says they may."""
    theirs, ours = field_gaps_out(wire, theirs), field_gaps_out(wire, ours)
    kept = DIFFERENCES.get((scenario, wire)) or (differences or {}).get((scenario, wire))
    if kept is None:
        assert ours == theirs, "differs:\n" + "\n".join(where_they_differ(theirs, ours))
        return
    assert kept.reason in REASONS, f"{kept.reason!r} is not a reason of the closed set"
    assert kept.check(theirs), f"LangChain gave {theirs!r}, which no longer shows: {kept.shows}"
    assert ours != theirs, "the difference is gone: the cell leaves DIFFERENCES"


def compare(
    scenarios: Mapping[str, Scenario],
    scenario: str,
    wire: str,
    server: MockServer,
    differences: Mapping[tuple[str, str], Difference] | None = None,
) -> None:
    """One cell of a family: `scenario` run on `wire` on both sides, then judged."""
    theirs, ours = run_cell(scenarios[scenario], WIRES[wire], server)
    judge(scenario, wire, theirs, ours, differences)


def family_test(
    scenarios: Mapping[str, Scenario],
    wires: Iterable[str] = WIRES,
    *,
    gaps: Table | None = None,
    differences: Mapping[tuple[str, str], Difference] | None = None,
    params: list[Any] | None = None,
    marks: Iterable[pytest.MarkDecorator] = (),
) -> Callable[[MockServer, str, str], None]:
    """The test of a family, for its module to name `test_*`: each cell (`cells` over
    `wires`, or `params`) run on both sides and judged, under `marks` (warning filters);
    `gaps` and `differences`: the family's own tables. Over `wires`, a row of those
    tables that names no cell of the family is refused here, failing the module's
    collection (with `params`, the module checks its own rows)."""
    if params is None:
        wires = tuple(wires)
        assert_rows_name_cells(known_cells(scenarios, wires), gaps or {}, differences or {})
        params = cells(scenarios, wires, gaps=gaps, differences=differences)

    @pytest.mark.parametrize(("scenario", "wire"), params)
    def test(server: MockServer, scenario: str, wire: str) -> None:
        compare(scenarios, scenario, wire, server, differences)

    for mark in marks:
        test = mark(test)
    return test


def known_cells(scenarios: Iterable[str], wires: Iterable[str]) -> set[tuple[str, str]]:
    """Every `(scenario, wire)` of a family run over the same wires."""
    return {(s, w) for s in scenarios for w in wires}


def assert_rows_name_cells(known: set[tuple[str, str]], *tables: Table) -> None:
    """A family's own tables (its differences, its gaps if any) name its cells only
    (`known`), no cell in two of them."""
    rows = [row for table in tables for row in table]
    assert set(rows) <= known, sorted(set(rows) - known)
    assert len(rows) == len(set(rows)), "a cell stands in two tables"


def where_they_differ(theirs: Any, ours: Any, path: str = "") -> list[str]:
    """Each place the two outcomes differ: its path, LangChain's value, chatplex's."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        out = []
        for key in [*theirs, *(k for k in ours if k not in theirs)]:
            if key not in ours or key not in theirs:
                out.append(
                    f"{path}.{key}: {theirs.get(key, '<absent>')!r} | {ours.get(key, '<absent>')!r}"
                )
            else:
                out += where_they_differ(theirs[key], ours[key], f"{path}.{key}")
        return out
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return [
            d
            for i, (a, b) in enumerate(zip(theirs, ours, strict=True))
            for d in where_they_differ(a, b, f"{path}[{i}]")
        ]
    return [] if theirs == ours else [f"{path}: {theirs!r} | {ours!r}"]
