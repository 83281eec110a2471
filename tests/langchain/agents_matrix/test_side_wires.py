"""The scripts of `test_model_api.py` and `test_scripts.py` that touch each wire's own
behaviour most (the model's identity, fields and metadata, its events, stop words,
structured output by each method, tool choices, call-time settings, the usage callback,
a JSON parser over a stream, the order of the reply's metadata, token counting,
serialization, a batch with a refused input), and of the later script sets those that
found the most on these wires (a listener's run and its `llm_output`, a reply cut at the
token limit, an error payload in a 200, `stream_usage` on the class and per call,
structured output with `strict=True`; a stream cut off or ending in an error event, a
refused connection, `n=2`, `agenerate`'s combined `llm_output`, `set_debug`'s printed
result, `model_dump`'s options, a streamed run's debug print, `ProviderStrategy` with
tools, `astream_events` of structured output, a copied model; the docs set's and the
LangGraph how-tos' scripts a sweep of those sets found differing: these on the wires
they found differing, `ONLY`), over
the wires those files leave out:
every drop-in with an installed partner package (`_kit.WIRES` less `SCRIPT_WIRES`) is a
LangChain name a script may import. The scenarios are those files' own, imported
(two with what they leave unread: `serialize`, `stream_blocks`)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from . import test_chain_scripts as chain_scripts
from . import test_docs_scripts as docs_scripts
from . import test_failure_scripts as failure_scripts
from . import test_handler_scripts as handler_scripts
from . import test_langgraph_howto as howto_scripts
from . import test_middleware_scripts as middleware_scripts
from . import test_model_api as model_api
from . import test_persist_scripts as persist_scripts
from . import test_reply_scripts as reply_scripts
from . import test_schema_scripts as schema_scripts
from . import test_scripts as scripts
from . import test_stream_scripts as stream_scripts
from ._cells import _VERTEX_ASYNC_REST
from ._cells import Difference
from ._cells import _declarations
from ._cells import _sent_in_every_request
from ._cells import _structured_raised
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import family_test
from ._cells import raises
from ._kit import RANDOM
from ._kit import WIRES
from ._kit import Run
from ._kit import get_weather
from ._kit import masked

pytestmark = pytest.mark.xdist_group("agents_matrix_side_wires")

#: The wires the script sets leave out.
SIDE_WIRES = tuple(wire for wire in WIRES if wire not in scripts.SCRIPT_WIRES)

#: An object's address in a repr (`<openai.OpenAI object at 0x7f...>`): drawn per run.
_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def _addresses_masked(value: Any) -> Any:
    if isinstance(value, str):
        return _ADDRESS.sub(f" at {RANDOM}>", value)
    if isinstance(value, dict):
        return {k: _addresses_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_addresses_masked(v) for v in value]
    return value


def serialize(run: Run) -> Any:
    """`test_scripts.serialize`, the addresses in a repr masked (`dumpd` writes a class
    LangChain does not serialize as its repr, SDK clients shown with their addresses),
    the deprecation both ChatVertexAI classes warn of when `loads` builds one not raised
    (the partner's side runs with every warning ignored)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", r"Use \[`ChatGoogleGenerativeAI`\]", category=DeprecationWarning
        )
        return _addresses_masked(scripts.serialize(run))


def stream_blocks(run: Run) -> Any:
    """`test_docs_scripts.docs_stream_blocks`, and its tool-bound stream added up chunk
    by chunk as the page adds up the plain one (`full + chunk`): the calls it holds."""
    full = None
    for chunk in run.make().bind_tools([get_weather]).stream("What is the weather in Paris?"):
        full = chunk if full is None else full + chunk
    assert full is not None
    merged = {"tool_calls": full.tool_calls, "invalid_tool_calls": full.invalid_tool_calls}
    return {**docs_scripts.docs_stream_blocks(run), "merged": masked(merged)}


SCENARIOS = {
    "identity": model_api.identity,
    "default_params": model_api.default_params,
    "fields": model_api.fields,
    "stream_events": model_api.stream_events,
    "stop_words": model_api.stop_words,
    "structured_methods": model_api.structured_methods,
    "tool_choices": model_api.tool_choices,
    "per_call_settings": model_api.per_call_settings,
    "usage_callback_stream": scripts.usage_callback_stream,
    "json_parser_stream": model_api.json_parser_stream,
    "metadata_order": model_api.metadata_order,
    "token_count": scripts.token_count,
    "serialize": serialize,
    "model_metadata": scripts.model_metadata,
    "batch_refused": model_api.batch_refused,
    "listener_runs": chain_scripts.listener_runs,
    "length_stop": reply_scripts.length_stop,
    "error_body": failure_scripts.error_body,
    "stream_usage_flags": reply_scripts.stream_usage_flags,
    "structured_strict": schema_scripts.structured_strict,
    "stream_cut": failure_scripts.stream_cut,
    "stream_error_event": failure_scripts.stream_error_event,
    "connection_refused": failure_scripts.connection_refused,
    "candidates": reply_scripts.candidates,
    "agenerate_handler": reply_scripts.agenerate_handler,
    "debug_chain": handler_scripts.debug_chain,
    "docs_multimodal_ids": docs_scripts.docs_multimodal_ids,
    "docs_invocation": docs_scripts.docs_invocation,
    "chunks_merged_then_summarized": howto_scripts.chunks_merged_then_summarized,
    "docs_message_lifecycle": docs_scripts.docs_message_lifecycle,
    "docs_movie_structured": docs_scripts.docs_movie_structured,
    "docs_stream_blocks": stream_blocks,
    "model_dump_options": persist_scripts.model_dump_options,
    "debug_stream": handler_scripts.debug_stream,
    "debug_async": handler_scripts.debug_async,
    "provider_strategy_tools": middleware_scripts.provider_strategy_tools,
    "events_v2_structured": stream_scripts.events_v2_structured,
    "copies_used": persist_scripts.copies_used,
    "docs_review_schemas": docs_scripts.docs_review_schemas,
}

#: Scenario -> the side wires it runs on (every one unless named here): the later sets'
#: scenarios a sweep over every side wire found differing on these wires alone (the
#: others gave the same, or differ as a file's own rows keep it), each a cell or two of
#: CPU: on those wires only, to keep the file cheap.
ONLY: dict[str, tuple[str, ...]] = {
    "stream_cut": ("fireworks", "perplexity", "sambanova"),
    "stream_error_event": ("fireworks", "perplexity", "sambanova", "responses", "cohere"),
    "connection_refused": ("fireworks",),
    "candidates": ("fireworks", "sambanova", "azure"),
    "agenerate_handler": ("fireworks", "azure", "responses", "sambanova"),
    "debug_chain": ("xai", "fireworks", "sambanova", "cohere"),
    "docs_multimodal_ids": (
        "vertex",
        "responses",
        "bedrock",
        "cohere",
        "perplexity",
        "sambanova",
        "fireworks",
    ),
    "docs_invocation": ("responses",),
    "chunks_merged_then_summarized": ("responses",),
    "docs_message_lifecycle": ("fireworks", "sambanova", "cohere", "vertex"),
    "docs_movie_structured": ("nebius",),
    "docs_stream_blocks": ("cohere",),
    "model_dump_options": ("deepseek", "together", "nebius"),
    "debug_stream": ("sambanova",),
    "debug_async": ("sambanova",),
    "provider_strategy_tools": ("nebius",),
    "events_v2_structured": ("perplexity", "responses", "bedrock"),
    "copies_used": ("azure", "bedrock"),
    "docs_review_schemas": (
        "azure",
        "xai",
        "deepseek",
        "fireworks",
        "together",
        "nebius",
        "sambanova",
        "cohere",
        "bedrock",
    ),
}

#: Cells that cannot be compared here, and why (skipped, not passed): none now.
SIDE_NOT_COMPARABLE: dict[tuple[str, str], str] = {}


def _per_call_raises(kind: str, *calls: str) -> Any:
    """LangChain's `calls` of stream_usage_flags ("off", "on", "per_call") raised `kind`."""
    return lambda theirs: (
        isinstance(theirs, dict) and all(raises(kind)(theirs.get(call)) for call in calls)
    )


_NO_STREAM_USAGE_FIELD = "has no stream_usage field"

#: What a SambaNova chat message's content may hold.
_SAMBANOVA_PARTS = (
    "a string, or `text` and `image_url` parts: "
    "docs.sambanova.ai/cloud/api-reference/endpoints/chat"
)


def _raw_blocks_sent(theirs: Any, requests: list[int], kinds: tuple[str, ...]) -> bool:
    """The user message of each of `requests` (LangChain's, in order) went with a
    text part then LangChain's own block of each of `kinds` in turn, as the script
    wrote it (no `image_url` or `file` member: not a Chat Completions part)."""
    sent = theirs.get("sent") if isinstance(theirs, dict) else None
    if not isinstance(sent, list) or len(sent) <= max(requests):
        return False
    blocks = [sent[i]["messages"][0]["content"][1] for i in requests]
    return [b.get("type") for b in blocks] == list(kinds) and not any(
        "image_url" in b or "file" in b for b in blocks
    )


#: Kept differences of these scenarios on the side wires (`judge` reads them beside
#: `_cells.DIFFERENCES`).
SIDE_DIFFERENCES: dict[tuple[str, str], Difference] = {
    # Their async call's TypeError ends the scenario (its sync stream is compared in
    # usage_callback_stream, stream_usage_flags).
    **{(scenario, "vertex"): _VERTEX_ASYNC_REST for scenario in ("metadata_order", "length_stop")},
    ("listener_runs", "vertex"): Difference(
        "raises",
        "TypeError: langchain-google-vertexai's async calls over api_transport='rest' "
        "await the aiplatform REST client's plain GenerateContentResponse "
        "(with_alisteners' ainvoke); chatplex answers",
        raises("builtins.TypeError"),
    ),
    ("error_body", "bedrock"): Difference(
        "loses data",
        "langchain-aws's ChatBedrock reads a 200 whose body is the provider's error "
        "payload as an empty AIMessage (the error's words lost); chatplex raises it",
        failure_scripts._empty_replies,
    ),
    ("error_body", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai reads a 200 whose body is the provider's error payload "
        "as an empty AIMessage (the error's code and message lost; its async call raises "
        "the TypeError of its REST transport); chatplex raises the error",
        lambda theirs: (
            isinstance(theirs, dict)
            and (theirs.get("sync") or {}).get("content") == ""
            and raises("builtins.TypeError")((theirs.get("async") or {}).get("raised"))
        ),
    ),
    ("error_body", "cohere"): failure_scripts._lost_body(
        "langchain-cohere",
        "builtins.TypeError",
        "model_construct() argument after ** must be a mapping, not str",
    ),
    ("error_body", "fireworks"): failure_scripts._lost_body(
        "langchain-fireworks", "builtins.TypeError", "'NoneType' object is not iterable"
    ),
    ("error_body", "sambanova"): failure_scripts._lost_body(
        "langchain-sambanova", "builtins.TypeError", "'NoneType' object is not iterable"
    ),
    ("error_body", "perplexity"): failure_scripts._lost_body(
        "langchain-perplexity", "builtins.TypeError", "'NoneType' object is not subscriptable"
    ),
    ("stream_usage_flags", "fireworks"): Difference(
        "raises",
        "TypeError: langchain-fireworks passes a call's stream_usage=True on to the "
        "fireworks SDK's create(); chatplex streams with the usage asked for",
        _per_call_raises("builtins.TypeError", "per_call"),
    ),
    ("stream_usage_flags", "responses"): Difference(
        "raises",
        "TypeError: langchain-openai's Responses stream passes a call's stream_usage=True "
        "on to the openai SDK's responses.create(); chatplex streams with the usage",
        _per_call_raises("builtins.TypeError", "per_call"),
    ),
    ("stream_usage_flags", "sambanova"): Difference(
        "raises",
        f"TypeError: langchain-sambanova {_NO_STREAM_USAGE_FIELD}: ChatSambaNova("
        "stream_usage=...) streams into the SDK's refusal; chatplex streams",
        _per_call_raises("builtins.TypeError", "off", "on"),
    ),
    ("stream_usage_flags", "perplexity"): Difference(
        "raises",
        f"TypeError: langchain-perplexity {_NO_STREAM_USAGE_FIELD}: ChatPerplexity("
        "stream_usage=...) streams into the SDK's refusal; chatplex streams",
        _per_call_raises("builtins.TypeError", "off", "on"),
    ),
    ("stream_usage_flags", "bedrock"): Difference(
        "rejected by provider",
        "langchain-aws's ChatBedrock has no stream_usage field and sends it (given to the "
        "class or to a call) as a key of the InvokeModel body, which Bedrock's Anthropic "
        "models check against their schema ('Malformed input request: extraneous key "
        "[stream_usage] is not permitted'); the drop-in takes it as LangChain's setting "
        "and sends nothing of it",
        _sent_in_every_request("stream_usage", "off", "on", "per_call"),
    ),
    ("stream_usage_flags", "cohere"): Difference(
        "raises",
        "TypeError: langchain-cohere passes a call's stream_usage=True on to the cohere "
        "SDK's chat_stream(); the class's stream_usage it ignores, its sync stream "
        "carrying no usage even when asked (tests/partners/cohere keeps that loss); the "
        "drop-in streams with the usage asked for, none when stream_usage=False",
        lambda theirs: (
            _per_call_raises("builtins.TypeError", "per_call")(theirs)
            and (theirs.get("on") or {}).get("usage") is None
        ),
    ),
    ("length_stop", "perplexity"): Difference(
        "loses data",
        "langchain-perplexity reads only a top-level `reasoning_tokens` and drops the "
        "`completion_tokens_details` of Perplexity's usage (FIELD_DIFFERENCES keeps it "
        "for a message; this scenario reports the usage apart): its invoked replies' "
        "output_token_details have no keys; chatplex's have 'reasoning'",
        lambda theirs: _no_reasoning_reported(theirs, "invoked", "async"),
    ),
    ("structured_strict", "cohere"): Difference(
        "raises",
        "langchain-cohere's with_structured_output takes no include_raw or strict: by "
        "json_schema (its default) the parser is left unwrapped and the reply does not "
        "follow the schema Cohere's v2 API does not read (OutputParserException), by "
        "function calling both go on to the cohere SDK's V2Client.chat() (TypeError), as "
        "in structured_methods; chatplex returns raw, parsed and parsing_error",
        _structured_raised(
            {
                "default": "langchain_core.exceptions.OutputParserException",
                "function_calling": "builtins.TypeError",
            }
        ),
    ),
    ("structured_strict", "vertex"): Difference(
        "loses data",
        "langchain-google-vertexai declares the structured tool in the OpenAPI subset "
        "(`parameters`), a nullable field's null dropped (the model is told `note` and "
        "`country` are plain strings); chatplex sends `parametersJsonSchema`, the JSON "
        "Schema as given",
        lambda theirs: _nullable_dropped(_declarations(theirs)),
    ),
    ("stream_error_event", "fireworks"): Difference(
        "loses data",
        "langchain-fireworks drops the provider's error event in a stream: the stream "
        "ends without an error after empty pieces, the reply cut short as if complete; "
        "chatplex raises the provider's error",
        failure_scripts._ended_quietly,
    ),
    ("stream_error_event", "cohere"): Difference(
        "raises",
        "AttributeError: langchain-cohere reads the usage of a stream's error event, "
        "which has none ('NoneType' object has no attribute 'billed_units'), the "
        "provider's error lost; chatplex raises the provider's error",
        lambda theirs: (
            isinstance(theirs, dict)
            and all(
                raises("builtins.AttributeError")(
                    ((theirs.get(side) or {}).get("error") or {}).get("raised")
                )
                for side in ("sync", "async")
            )
        ),
    ),
    ("agenerate_handler", "sambanova"): Difference(
        "raises",
        "TypeError: langchain-sambanova's _combine_llm_outputs adds the rows' null usage "
        "fields (None += None) once agenerate() has every reply; chatplex returns them",
        raises("builtins.TypeError"),
    ),
    ("provider_strategy_tools", "nebius"): Difference(
        "raises",
        "AttributeError: langchain-nebius' ChatNebius keeps no root client (None), and "
        "langchain-openai's response_format call goes through "
        "root_client.chat.completions...parse() ('NoneType' object has no attribute "
        "'chat'): nothing is sent; chatplex sends the request and answers",
        lambda theirs: (
            isinstance(theirs, dict)
            and theirs.get("strict") == []
            and raises("builtins.AttributeError")(theirs.get("answer"))
        ),
    ),
    ("copies_used", "bedrock"): Difference(
        "raises",
        "NotImplementedError: langchain-aws' ChatBedrock reads the provider from the model "
        "id, and a copy renamed by model_copy(update={'model_id': 'other-model'}) names "
        "none it knows ('Provider other-model model does not support chat.'), before "
        "sending; chatplex sends the request to that model",
        lambda theirs: (
            isinstance(theirs, dict)
            and raises("builtins.NotImplementedError")(theirs["replies"][4])
            and len(theirs["models"]) == 4
        ),
    ),
    ("length_stop", "cohere"): Difference(
        "loses data",
        "langchain-cohere's sync stream has no usage_metadata, on its last chunk or "
        "merged (tests/partners/cohere keeps it: STREAM_USAGE); chatplex's last chunk "
        "carries the reply's usage",
        lambda theirs: (
            isinstance(theirs, dict)
            and all(
                (theirs.get(piece) or {}).get("usage", 0) is None for piece in ("last", "merged")
            )
            and isinstance((theirs.get("invoked") or {}).get("usage"), dict)
        ),
    ),
    ("docs_multimodal_ids", "responses"): Difference(
        "raises",
        "ValueError: langchain-openai's Responses input refuses an image block given by "
        "`file_id` ('Unsupported source type. Only 'url' and 'base64' are supported.') "
        "before sending; chatplex sends it as an input_image by file_id",
        lambda theirs: (
            isinstance(theirs, dict) and raises("builtins.ValueError")(theirs["replies"][1])
        ),
    ),
    ("docs_multimodal_ids", "cohere"): Difference(
        "loses data",
        "langchain-cohere sends a user message's file, image and video blocks as nothing "
        "(its text alone reaches Cohere, and the reply is about no document); chatplex "
        "raises ValueError for what Cohere cannot take",
        lambda theirs: (
            isinstance(theirs, dict)
            and len(theirs["sent"]) == 3
            and all(
                [b.get("type") for b in sent["messages"][0]["content"]] == ["text"]
                for sent in theirs["sent"]
            )
        ),
    ),
    ("docs_multimodal_ids", "perplexity"): Difference(
        "raises",
        "pydantic's ValidationError: langchain-perplexity's perplexity SDK request model "
        "takes no file, image-by-id or video block (ApiChatCompletionsRequestInput), so "
        "nothing is sent; chatplex sends the file by id and refuses the other two",
        lambda theirs: (
            isinstance(theirs, dict)
            and not theirs["sent"]
            and all(
                raises("pydantic_core._pydantic_core.ValidationError")(r) for r in theirs["replies"]
            )
        ),
    ),
    ("docs_message_lifecycle", "cohere"): Difference(
        "loses data",
        "langchain-cohere sends the messages page's user message built from "
        "content_blocks (text and a base64 image) with its text alone, the image "
        "dropped; chatplex sends the image",
        lambda theirs: (
            isinstance(theirs, dict)
            and [b.get("type") for b in theirs["sent"][3]["messages"][0]["content"]] == ["text"]
        ),
    ),
    ("docs_message_lifecycle", "sambanova"): Difference(
        "rejected by provider",
        "langchain-sambanova sends the messages page's content_blocks image as "
        "LangChain's own `{type: image, base64, mime_type}`, a part SambaNova's chat "
        f"completions do not take ({_SAMBANOVA_PARTS}); chatplex sends it as an "
        "`image_url` data URL",
        lambda theirs: _raw_blocks_sent(theirs, [3], ("image",)),
    ),
    ("docs_multimodal_ids", "sambanova"): Difference(
        "rejected by provider",
        "langchain-sambanova sends the file and the image by `file_id` and the base64 "
        "video as LangChain's own blocks, parts SambaNova's chat completions do not take "
        f"({_SAMBANOVA_PARTS}); chatplex raises ValueError for the image by id and the "
        "video, which no Chat Completions part carries, and sends the file by id as "
        "OpenAI's `file` part",
        lambda theirs: _raw_blocks_sent(theirs, [0, 1, 2], ("file", "image", "video")),
    ),
    ("docs_stream_blocks", "cohere"): Difference(
        "loses data",
        "langchain-cohere gives every streamed tool-call piece a new random id and yields "
        "the last arguments piece twice (at Cohere's tool-call-end): the tool-bound stream "
        "added up holds the one call split apart, a call with no arguments, a nameless "
        "one, the call again (from the last chunk's tool_calls) and an invalid one of the "
        "last piece twice; the drop-in's pieces carry the call's id and add up to the one "
        "call, indexed after the tool plan's text (index 1: LangChain's "
        "output_version='v1' numbers that text 0 too, and merges it with a call of index "
        "0 into one broken block)",
        lambda theirs: _call_split(theirs.get("merged") if isinstance(theirs, dict) else None),
    ),
    ("docs_movie_structured", "nebius"): Difference(
        "raises",
        "AttributeError: langchain-nebius keeps no root_client, and its langchain-openai "
        "base's json_schema path calls root_client.chat.completions...parse(); chatplex "
        "answers",
        lambda theirs: (
            isinstance(theirs, dict)
            and raises("builtins.AttributeError")(theirs.get("json_schema"))
        ),
    ),
    ("docs_review_schemas", "azure"): Difference(
        "rejected by provider",
        "langchain-openai's AzureChatOpenAI sends `tools: []` for an agent with no tools "
        "answering by ProviderStrategy, which Azure OpenAI refuses as OpenAI does (400 "
        "\"Invalid 'tools': empty array\"; see test_docs_scripts' openai row); chatplex "
        "sends no tools",
        docs_scripts._empty_tools_sent,
    ),
    ("docs_review_schemas", "deepseek"): Difference(
        "rejected by provider",
        "langchain-deepseek sends `tools: []` for an agent with no tools answering by "
        "ProviderStrategy, which DeepSeek's API refuses (400 \"Invalid 'tools': empty "
        'array. Expected an array with minimum length 1", runebookai/tome#87); chatplex '
        "sends no tools",
        docs_scripts._empty_tools_sent,
    ),
    ("docs_review_schemas", "nebius"): Difference(
        "raises",
        "AttributeError: langchain-nebius keeps no root_client, which its langchain-openai "
        "base's json_schema path (ProviderStrategy's response_format) calls, as in "
        "docs_movie_structured; chatplex answers (with the `tools: []` the partner binds)",
        lambda theirs: (
            isinstance(theirs, dict) and raises("builtins.AttributeError")(theirs.get("provider"))
        ),
    ),
    ("docs_review_schemas", "cohere"): Difference(
        "raises",
        "ValueError: langchain-cohere's agent with a ToolStrategy response format fails: "
        "it sends tool_choice 'any' as written (Cohere's v2 API takes REQUIRED or NONE; "
        "see _cells' tool_choices row), the reply calls no tool, the agent asks again "
        "with the model's text last, and langchain-cohere refuses that ('The last message "
        "is not an ToolMessage or HumanMessage'); chatplex answers",
        lambda theirs: (
            isinstance(theirs, dict)
            and all(
                raises("builtins.ValueError")(theirs.get(run))
                for run in ("pydantic", "json_schema", "union")
            )
        ),
    ),
}


def _call_split(merged: Any) -> bool:
    """The added-up stream holds more than one call, one of them nameless, and an invalid
    call."""
    calls = merged.get("tool_calls") if isinstance(merged, dict) else None
    return (
        isinstance(calls, list)
        and len(calls) > 1
        and any(c.get("name") == "" for c in calls)
        and bool(merged.get("invalid_tool_calls"))
    )


def _nullable_dropped(declared: list[dict[str, Any]]) -> bool:
    """Function declarations were sent, each as OpenAPI `parameters` with no trace of
    a null (`anyOf` with a null type, `nullable`)."""
    return bool(declared) and all(
        "parameters" in d
        and "parametersJsonSchema" not in d
        and "anyOf" not in str(d)
        and "nullable" not in str(d)
        for d in declared
    )


def _no_reasoning_reported(theirs: Any, *replies: str) -> bool:
    """Each of `replies` in LangChain's outcome has usage whose output_token_details
    hold no reasoning count."""
    return isinstance(theirs, dict) and all(
        isinstance(usage := (theirs.get(reply) or {}).get("usage"), dict)
        and "reasoning" not in (usage.get("output_token_details") or {})
        for reply in replies
    )


def _side_cells() -> list[Any]:
    """`cells` of these scenarios, the cells this file cannot compare skipped."""
    out = []
    for name in SCENARIOS:
        wires = ONLY.get(name, SIDE_WIRES)
        for param in cells([name], wires, differences=SIDE_DIFFERENCES):
            why = SIDE_NOT_COMPARABLE.get(param.values)
            marks = [*param.marks, pytest.mark.skip(reason=why)] if why else param.marks
            out.append(pytest.param(*param.values, marks=marks, id=param.id))
    return out


test_side_wire = family_test(
    SCENARIOS,
    params=_side_cells(),
    differences=SIDE_DIFFERENCES,
    marks=[
        pytest.mark.filterwarnings(
            "ignore:Exception ignored in. <coroutine object ClientResponse.json"
            ":pytest.PytestUnraisableExceptionWarning"
        )
    ],
)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = {(s, w) for s in SCENARIOS for w in ONLY.get(s, SIDE_WIRES)}
    assert_rows_name_cells(known, SIDE_DIFFERENCES)
    assert all(set(wires) <= set(SIDE_WIRES) for wires in ONLY.values())
    assert set(SIDE_NOT_COMPARABLE) <= known
