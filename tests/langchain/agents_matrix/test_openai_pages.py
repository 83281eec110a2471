"""A further set of LangChain scripts (issue 47): the OpenAI family's integration pages
as written (docs.langchain.com "integrations/chat/<provider>" and the partner classes'
docstrings, the most-copied code of the ecosystem), their import line changed, each on
its own wire: the partner package's class and chatplex's, compared (`_kit.py`): what the
snippet prints or returns, what reached the server, and the merged stream.

- ChatOpenAI over Chat Completions: `model_kwargs` beside `extra_body` (audio out:
  `modalities` and `audio`, the reply's `audio` kept and sent back; `stream_options`),
  the "flex" tier (the tier's cache keys in the usage; on the Responses API too), a
  predicted output, prompt caching (`prompt_cache_key`, `prompt_cache_options`, a
  `prompt_cache_breakpoint` block, `prompt_cache_retention`; both APIs).
- ChatOpenAI over the Responses API: reasoning summaries (`reasoning=`, as
  `output_version="responses/v1"` and as the default), a built-in `web_search` tool with
  its cited answer, conversation state (`previous_response_id` per call, then
  `use_previous_response_id=True`), `include` / `store=False` (the sealed reasoning sent
  back) / `truncation` / `verbosity`, tools added mid-conversation by a system message,
  `output_version="v1"` replies sent back (a reasoning reply's; a web search's).
- AzureChatOpenAI: `model_version` in the metadata (a reply's, a stream's),
  `azure_ad_token` and a token provider (the header each sends); a call's `model=`
  (the deployment's own name too; bound) named in the body.
- ChatGroq's `reasoning_format` (on the class and per call) and service tier,
  ChatDeepSeek's `reasoning_content` (a reasoner's reply sent back), ChatXAI's reasoning
  and its deprecated `search_parameters` (the warning, the citations kept),
  ChatPerplexity's citations, search results and search options, ChatFireworks' and
  ChatTogether's own pages (the translator, `abatch`, JSON mode).
- The pages' "Logprobs" (`bind(logprobs=True)`), invoked and streamed, over six wires.
- The class docstring's structured output with a JSON schema as a dict on the Responses
  API (the raw reply's `parsed`), invoked, streamed, awaited, as `responses/v1`.

Replies a planned mock reply cannot say (a provider's own fields) are written out whole
(`MockSettings.raw_reply`), in the provider's documented shape.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from langchain_core import messages

from chatplex.testing import MockRequest
from tests.adapters._responses_fixtures import events_of
from tests.adapters._responses_fixtures import response
from tests.adapters._responses_fixtures import with_done_events

from ._cells import Difference
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import family_test
from ._kit import Run
from ._kit import arun
from ._kit import masked
from ._kit import merged_chunks
from ._kit import outcome_of
from ._kit import settled
from .test_model_api import FORECAST_DICT
from .test_scripts import FORECAST

pytestmark = pytest.mark.xdist_group("agents_matrix_openai_pages")

#: The pages' first example: a translator.
TRANSLATE = [
    ("system", "You are a helpful translator. Translate the user sentence to French."),
    ("human", "I love programming."),
]
FRENCH = "J'adore la programmation."

# ---- what reached the server, and replies written out whole -----------------------------------

#: The request headers a page's snippet decides (credentials and versions).
_HEADERS = ("api-key", "authorization")


@contextmanager
def _server(
    run: Run, write: Callable[[MockRequest], bytes | list[bytes] | None] | None = None
) -> Iterator[list[dict[str, Any]]]:
    """The requests the server gets meanwhile (path, the headers of `_HEADERS`, the
    body), each answered by `write` where given (else the planned reply)."""
    seen: list[dict[str, Any]] = []

    def plan(request: MockRequest) -> str | None:
        headers = {k: v for k, v in request.headers.items() if k in _HEADERS}
        # A member sent as null is one not sent (as tests/partners/compatible reads them).
        body = {k: v for k, v in (request.json or {}).items() if v is not None}
        seen.append({"path": request.path, "headers": headers, "body": body})
        return None

    run.server.settings.fault_plan = plan
    run.server.settings.raw_reply = write
    try:
        yield seen
    finally:
        run.server.settings.fault_plan = None
        run.server.settings.raw_reply = None


def _data(value: Any) -> bytes:
    return b"data: " + json.dumps(value).encode() + b"\n\n"


#: A Chat Completions usage (OpenAI's details included).
USAGE = {
    "prompt_tokens": 28,
    "completion_tokens": 5,
    "total_tokens": 33,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
}


def completion(
    request: MockRequest,
    message: dict[str, Any],
    *,
    deltas: list[dict[str, Any]] | None = None,
    usage: dict[str, Any] | None = None,
    last: dict[str, Any] | None = None,
    logprobs: list[dict[str, Any]] | None = None,
    **top: Any,
) -> bytes | list[bytes]:
    """A Chat Completions reply to `request`: `message` whole, or streamed as `deltas`
    (the usage in its own last chunk where the request asks, as OpenAI sends it), with
    `top`'s fields at the top of the body (of every chunk) and `last`'s at the top of
    the body (of the stream's finishing and usage chunks only); `logprobs`, the choice's
    tokens (in the stream: the i-th on the i-th delta)."""
    # Azure's body names no model (the deployment does); its replies name the model.
    model = (request.json or {}).get("model") or "gpt-4o-mini-2024-07-18"
    head = {
        "id": "chatcmpl-raw1",
        "created": 1700000000,
        "model": model,  # no system_fingerprint: not every provider sends one
        **top,
    }
    usage = usage or USAGE
    last = last or {}
    if not request.stream:
        choice = {
            "index": 0,
            "message": {"role": "assistant", **message},
            "logprobs": None if logprobs is None else {"content": logprobs, "refusal": None},
            "finish_reason": "stop",
        }
        body = {**head, **last, "object": "chat.completion", "choices": [choice], "usage": usage}
        return json.dumps(body).encode()
    chunk = {**head, "object": "chat.completion.chunk"}
    tokens = [None, *([{"content": [t], "refusal": None} for t in logprobs or ()])]
    frames = [
        _data(
            {
                **chunk,
                "choices": [
                    {
                        "index": 0,
                        "delta": d,
                        "logprobs": tokens[i] if i < len(tokens) else None,
                        "finish_reason": None,
                    }
                ],
            }
        )
        for i, d in enumerate([{"role": "assistant", "content": ""}, *(deltas or [])])
    ]
    finish = {"index": 0, "delta": {}, "finish_reason": "stop"}
    frames.append(_data({**chunk, **last, "choices": [finish]}))
    options = (request.json or {}).get("stream_options") or {}
    if options.get("include_usage"):
        frames.append(_data({**chunk, **last, "choices": [], "usage": usage}))
    return [*frames, b"data: [DONE]\n\n"]


def _three_ways(
    run: Run,
    model: Any,
    said: Any,
    write: Callable[[MockRequest], bytes | list[bytes] | None],
    **per_call: Any,
) -> dict[str, Any]:
    """`said` invoked, streamed (the merged stream) and invoked with `per_call`'s
    keywords (or what that raised), answered by `write`, and what each request carried."""
    with _server(run, write) as seen:
        reply = model.invoke(said)
        merged = merged_chunks(list(model.stream(said)))
        again = outcome_of(lambda: model.invoke(said, **per_call))
    return {"reply": reply, "merged": merged, "per_call": again, "sent": [s["body"] for s in seen]}


def _warned(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """`call()`'s outcome and the warnings it gave (their class and first line). Not a
    ResourceWarning: a socket an earlier test of the worker left is reported by whichever
    collection frees it, inside this call or not (record-matrix, once: `.warned` held
    'ResourceWarning: unclosed transport' on chatplex's side alone)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = outcome_of(call)
    said = sorted(
        {
            f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
            for w in caught
            if not issubclass(w.category, ResourceWarning)
        }
    )
    return outcome, [s for s in said if "chatplex" not in s]


# ---- ChatOpenAI, Chat Completions ----------------------------------------------------------------

#: What an audio reply carries (`message.audio`), as OpenAI sends it.
AUDIO = {"id": "audio_abc123", "data": "UklGRiQ=", "expires_at": 1729018505, "transcript": FRENCH}


def kwargs_and_extra_body(run: Run) -> Any:
    """The page's `model_kwargs` vs `extra_body`: standard parameters flattened into the
    body (audio out: `modalities` and `audio`, the reply's audio kept, then sent back by
    its id; `stream_options` asking for a stream's usage), custom ones nested under
    `extra_body` (a vLLM server's), invoked and streamed."""
    spoken = run.make(
        model_kwargs={
            "max_completion_tokens": 300,
            "modalities": ["text", "audio"],
            "audio": {"voice": "alloy", "format": "wav"},
        }
    )
    counted = run.make(
        model_kwargs={"stream_options": {"include_usage": True}, "max_completion_tokens": 300}
    )
    custom = run.make(extra_body={"use_beam_search": True, "best_of": 4, "ttl": 300})

    def write(request: MockRequest) -> bytes | list[bytes] | None:
        if "audio" not in (request.json or {}):
            return None
        return completion(request, {"content": None, "audio": AUDIO})

    with _server(run, write) as seen:
        reply = spoken.invoke(TRANSLATE)
        spoken.invoke([*TRANSLATE, reply, ("human", "Say it again.")])  # the page's next turn
        beams = custom.invoke(TRANSLATE)
        merged = merged_chunks(list(custom.stream(TRANSLATE)))
        counted_merged = outcome_of(lambda: merged_chunks(list(counted.stream(TRANSLATE))))
    return {
        "audio": reply.additional_kwargs.get("audio"),
        "reply": reply,
        "beams": beams.text,
        "merged": merged,
        "counted": counted_merged,
        "sent": seen,
    }


def flex_tier(run: Run) -> Any:
    """The page's "Flex processing": `service_tier="flex"` on the class, a reply served
    on that tier with cached input: the tier sent, the reply's `service_tier`, and the
    usage (the page: cache keys prefixed with the tier's name), invoked and async."""
    model = run.make(service_tier="flex")
    usage = {**USAGE, "prompt_tokens_details": {"cached_tokens": 20, "audio_tokens": 0}}

    def write(request: MockRequest) -> bytes | list[bytes]:
        if request.path.endswith("/responses"):  # its usage: 8 of 20 input tokens cached
            return responses_reply(request, [_text_item(FRENCH)], service_tier="flex")
        return completion(request, {"content": FRENCH}, usage=usage, service_tier="flex")

    async def body() -> Any:
        return (await model.ainvoke(TRANSLATE)).usage_metadata

    with _server(run, write) as seen:
        reply = model.invoke(TRANSLATE)
        later = arun(body)
    return {
        "usage": reply.usage_metadata,
        "metadata": masked(reply.response_metadata),
        "async": later,
        "sent": seen,
    }


CODE = "class User:\n    first_name: str\n    last_name: str\n    username: str\n"


def predicted_output(run: Run) -> Any:
    """OpenAI's predicted outputs page: `prediction={"type": "content", ...}` per call,
    the reply's accepted and rejected prediction tokens (in the usage and the raw token
    usage), invoked and streamed."""
    model = run.make(stream_usage=True)
    details = {"reasoning_tokens": 0, "audio_tokens": 0}
    details |= {"accepted_prediction_tokens": 18, "rejected_prediction_tokens": 3}
    usage = {**USAGE, "completion_tokens": 25, "total_tokens": 53}
    usage["completion_tokens_details"] = details
    prediction = {"type": "content", "content": CODE}
    asked = [("user", "Replace the username property with an email property."), ("user", CODE)]

    def write(request: MockRequest) -> bytes | list[bytes]:
        text = CODE.replace("username", "email")
        return completion(request, {"content": text}, deltas=[{"content": text}], usage=usage)

    with _server(run, write) as seen:
        reply = model.invoke(asked, prediction=prediction)
        merged = merged_chunks(list(model.stream(asked, prediction=prediction)))
    return {
        "usage": reply.usage_metadata,
        "token_usage": reply.response_metadata.get("token_usage"),
        "merged": merged.usage_metadata,
        "sent": seen,
    }


def prompt_caching(run: Run) -> Any:
    """The page's "Prompt caching optimization": `prompt_cache_key` per call,
    `prompt_cache_options` on the class and per call, a system block marked with
    `prompt_cache_breakpoint`, and `prompt_cache_retention` per call: what each request
    carried (or what was raised)."""
    marked = [
        {
            "role": "system",
            "content": [
                {
                    "type": "text",
                    "text": "Stable instructions and examples...",
                    "prompt_cache_breakpoint": {"mode": "explicit"},
                }
            ],
        },
        {"role": "user", "content": "Current request"},
    ]
    plain = run.make()
    kept = run.make(prompt_cache_options={"mode": "explicit", "ttl": "30m"})
    with _server(run) as seen:
        outcomes = [
            outcome_of(lambda: plain.invoke(TRANSLATE, prompt_cache_key="example-key-a").text),
            outcome_of(
                lambda: (
                    plain.invoke(
                        marked,
                        prompt_cache_key="tenant:acme:support-v1",
                        prompt_cache_options={"mode": "explicit", "ttl": "30m"},
                    ).text
                )
            ),
            outcome_of(lambda: kept.invoke(TRANSLATE).text),
            outcome_of(lambda: plain.invoke(TRANSLATE, prompt_cache_retention="24h").text),
        ]
    return {"outcomes": outcomes, "sent": seen}


# ---- ChatOpenAI, the Responses API ---------------------------------------------------------------


def _text_item(text: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": annotations or []}
    return {
        "id": "msg_raw1",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [part],
    }


def responses_reply(
    request: MockRequest, output: list[dict[str, Any]], service_tier: str = "default"
) -> bytes | list[bytes]:
    """A Responses API reply to `request` with `output`'s items: the `response` object,
    or the typed events a server streams for it (tests/adapters/_responses_fixtures.py)."""
    done = response(output, model=(request.json or {}).get("model"), service_tier=service_tier)
    if not request.stream:
        return json.dumps(done).encode()
    return [
        f"event: {e['type']}\n".encode() + _data({**e, "sequence_number": n})
        for n, e in enumerate(with_done_events(events_of(done)))
    ]


#: A reasoning item with its summary, as a reasoning model with `summary: "auto"` sends it.
THOUGHT = {
    "id": "rs_raw1",
    "type": "reasoning",
    "summary": [
        {"type": "summary_text", "text": "**Computing the cube**\n\nThe user asks for 3^3."},
        {"type": "summary_text", "text": "3 * 3 * 3 = 27."},
    ],
}


def _reasoned(request: MockRequest) -> bytes | list[bytes]:
    return responses_reply(request, [THOUGHT, _text_item("3³ = 27")])


def _summaries(reply: Any) -> Any:
    """What the page's loop prints: the summaries' texts of each reasoning block."""
    if not isinstance(reply.content, list):
        return reply.additional_kwargs.get("reasoning")
    return [
        s["text"]
        for block in reply.content
        if isinstance(block, dict) and block.get("type") == "reasoning"
        for s in block.get("summary", ())
    ]


def reasoning_summaries(run: Run) -> Any:
    """The page's "Reasoning output": `reasoning={"effort": "medium", "summary": "auto"}`
    with `output_version="responses/v1"` (the summaries in the content, printed by the
    page's loop), with the default output version and with `output_version="v1"`
    (LangChain's standard blocks, and `content_blocks`), invoked and streamed; then the
    replies sent back in the next turn."""
    reasoning = {"effort": "medium", "summary": "auto"}
    v1 = run.make(model="o4-mini", reasoning=reasoning, output_version="responses/v1")
    plain = run.make(model="o4-mini", reasoning=reasoning)
    standard = run.make(model="o4-mini", reasoning=reasoning, output_version="v1")
    with _server(run, _reasoned) as seen:
        reply = v1.invoke("What is 3^3?")
        merged = merged_chunks(list(v1.stream("What is 3^3?")))
        default = plain.invoke("What is 3^3?")
        streamed = merged_chunks(list(plain.stream("What is 3^3?")))
        v1.invoke(["What is 3^3?", reply, "And 4^3?"])
        blocks = standard.invoke("What is 3^3?")
        blocks_merged = merged_chunks(list(standard.stream("What is 3^3?")))
        standard.invoke(["What is 3^3?", blocks, "And 4^3?"])
    return {
        "standard": blocks,
        "standard_blocks": masked(blocks.content_blocks),
        "standard_merged": blocks_merged,
        "text": reply.text,
        "summaries": _summaries(reply),
        "reply": reply,
        "merged": merged,
        "merged_summaries": _summaries(merged),
        "default": default,
        "default_merged": streamed,
        "sent": seen,
    }


#: The page's cited answer: a web search, then text citing a page.
CITED = "Today, a heartwarming story emerged from Paris."
CITATION = {
    "type": "url_citation",
    "start_index": 0,
    "end_index": 46,
    "title": "Title of story",
    "url": "https://example.com/story",
}
SEARCH = {
    "id": "ws_raw1",
    "type": "web_search_call",
    "status": "completed",
    "action": {"type": "search", "query": "positive news today"},
}


QUESTION = "What was a positive news story from today?"


def _searched(request: MockRequest) -> bytes | list[bytes]:
    return responses_reply(request, [SEARCH, _text_item(CITED, [CITATION])])


def web_search_tool(run: Run) -> Any:
    """The page's "Built-in (server-side) tools": `bind_tools([{"type": "web_search"}])`
    on `output_version="responses/v1"`, a reply citing a page after a search: its
    content (the page prints it), invoked, streamed and async; the default output
    version too."""
    model = run.make(output_version="responses/v1").bind_tools([{"type": "web_search"}])
    plain = run.make().bind_tools([{"type": "web_search"}])

    async def body() -> Any:
        return (await model.ainvoke(QUESTION)).content

    with _server(run, _searched) as seen:
        reply = model.invoke(QUESTION)
        merged = merged_chunks(list(model.stream(QUESTION)))
        default = plain.invoke(QUESTION)
        later = arun(body)
    return {
        "content": reply.content,
        "reply": reply,
        "merged": merged,
        "default": default,
        "async": later,
        "sent": seen,
    }


#: The page's "Mid-conversation tool additions": a tool given by a system message.
GET_TIME = {
    "type": "function",
    "name": "get_time",
    "description": "Get the current time.",
    "parameters": {"type": "object", "properties": {}},
}


def standard_blocks_back(run: Run) -> Any:
    """The search snippet on `output_version="v1"` (LangChain's standard blocks: a
    `server_tool_call` and its result, a v1 citation), the reply then sent back in the
    next turn: the reply, and what the second request carried (or what was raised)."""
    model = run.make(output_version="v1").bind_tools([{"type": "web_search"}])
    with _server(run, _searched) as seen:
        reply = model.invoke(QUESTION)
        again = outcome_of(lambda: model.invoke([QUESTION, reply, "Tell me more."]).text)
    return {"reply": reply, "again": again, "sent": [s["body"].get("input") for s in seen]}


def _previous_ids(seen: list[dict[str, Any]], first: str) -> list[Any]:
    """Each request's `previous_response_id`, the first reply's id shown as "<first>"."""
    ids = [(s["body"] or {}).get("previous_response_id", "<absent>") for s in seen]
    return ["<first>" if i == first else i for i in ids]


def conversation_state(run: Run) -> Any:
    """The page's "Managing conversation state": a second turn given the first reply's
    id (`previous_response_id=`), then a model made with `use_previous_response_id=True`
    sent the whole history: what each request carried (the input kept, the id sent); and
    its "Mid-conversation tool additions": a system message of type `additional_tools`
    (role "developer") after the user's turn, what the request carried and the reply."""
    model = run.make(output_version="responses/v1")
    chained = run.make(use_previous_response_id=True)
    tooled = [
        messages.HumanMessage("What time is it?"),
        messages.SystemMessage(
            [{"type": "additional_tools", "role": "developer", "tools": [GET_TIME]}]
        ),
    ]
    with _server(run) as seen:
        first = model.invoke("Hi, I'm Bob.")
        second = model.invoke(
            "What is my name?", previous_response_id=first.response_metadata["id"]
        )
        later = chained.invoke(
            [messages.HumanMessage("Hi, I'm Bob."), first, messages.HumanMessage("My name?")]
        )
        added = outcome_of(lambda: run.make().invoke(tooled))
    return {
        "texts": [first.text, second.text, later.text],
        "previous": _previous_ids(seen, first.response_metadata["id"]),
        "inputs": [(s["body"] or {}).get("input") for s in seen],
        "same_id": first.id == first.response_metadata["id"],
        "tools_added": added,
    }


def include_and_store(run: Run) -> Any:
    """Responses settings a page sets on the class: `include=["reasoning.encrypted_content"]`
    with `store=False`, `truncation="auto"`, `verbosity="low"`, `max_tokens`; and per call
    `include` and `store`: what each request carried (the sealed reasoning sent back in
    the next turn), the reply."""
    model = run.make(
        model="o4-mini",
        include=["reasoning.encrypted_content"],
        store=False,
        truncation="auto",
        verbosity="low",
        max_tokens=100,
    )
    plain = run.make()
    sealed = {**THOUGHT, "encrypted_content": "gAAA-sealed"}

    def write(request: MockRequest) -> bytes | list[bytes] | None:
        if (request.json or {}).get("store") is not False:
            return None
        return responses_reply(request, [sealed, _text_item("3³ = 27")])

    with _server(run, write) as seen:
        reply = model.invoke("What is 3^3?")
        model.invoke(["What is 3^3?", reply, "And 4^3?"])  # the reasoning sent back sealed
        again = outcome_of(
            lambda: plain.invoke("Hi", include=["message.output_text.logprobs"], store=False).text
        )
    fields = ("include", "store", "truncation", "text", "max_output_tokens", "reasoning", "input")
    return {
        "reply": reply,
        "again": again,
        "sent": [{k: (s["body"] or {}).get(k, "<absent>") for k in fields} for s in seen],
    }


# ---- AzureChatOpenAI -----------------------------------------------------------------------------


def azure_page(run: Run) -> Any:
    """The AzureChatOpenAI page: `model_version` (the metadata's model name says it),
    an Entra ID token (`azure_ad_token`) and a token provider in place of the key: the
    path and header each request carried, the reply's metadata, sync and async."""
    versioned = run.make(model_version="2024-07-18")
    token = run.make(api_key=None, azure_ad_token="entra-token")
    provider = run.make(api_key=None, azure_ad_token_provider=lambda: "provided-token")

    async def body() -> Any:
        return (await provider.ainvoke(TRANSLATE)).text

    with _server(run) as seen:
        reply = versioned.invoke(TRANSLATE)
        merged = merged_chunks(list(versioned.stream(TRANSLATE)))
        by_token = token.invoke(TRANSLATE).text
        by_provider = provider.invoke(TRANSLATE).text
        later = arun(body)
    return {
        "metadata": masked(reply.response_metadata),
        "merged": masked(merged.response_metadata),
        "texts": [by_token, by_provider, later],
        "seen": [{"path": s["path"], "headers": s["headers"]} for s in seen],
    }


def azure_call_model(run: Run) -> Any:
    """AzureChatOpenAI named by its deployment, called with `model=` the deployment's own
    name (and another one; and bound): invoked, streamed, async; the bodies each sent (the
    model named in them or not) and the reply's model name."""
    model = run.make()

    async def awaited() -> Any:
        return (await model.ainvoke(TRANSLATE, model="gpt-4o-mini")).response_metadata

    with _server(run) as seen:
        names = [
            model.invoke(TRANSLATE).response_metadata.get("model_name"),
            model.invoke(TRANSLATE, model="gpt-4o-mini").response_metadata.get("model_name"),
            merged_chunks(list(model.stream(TRANSLATE, model="gpt-4o-mini"))).response_metadata,
            model.bind(model="gpt-4o").invoke(TRANSLATE).response_metadata.get("model_name"),
            arun(awaited).get("model_name"),
        ]
    return {
        "names": masked(names),
        "sent": [{"path": s["path"], "model": s["body"].get("model")} for s in seen],
    }


# ---- the compatible presets -------------------------------------------------------------------


def groq_reasoning(run: Run) -> Any:
    """The ChatGroq page's reasoning: `reasoning_format="parsed"` and
    `reasoning_effort="default"` on a reasoning model, `service_tier="flex"`: the
    reasoning kept, the tier in the metadata, invoked and streamed; and
    `reasoning_format="hidden"` per call."""
    model = run.make(
        model="qwen/qwen3-32b",
        reasoning_format="parsed",
        reasoning_effort="default",
        service_tier="flex",
    )
    thought = "The user wants French. 'I love programming' is 'J'adore la programmation'."

    def write(request: MockRequest) -> bytes | list[bytes]:
        if (request.json or {}).get("reasoning_format") == "hidden":
            return completion(request, {"content": FRENCH}, deltas=[{"content": FRENCH}])
        return completion(
            request,
            {"content": FRENCH, "reasoning": thought},
            deltas=[{"reasoning": thought}, {"content": FRENCH}],
        )

    return _three_ways(run, model, TRANSLATE, write, reasoning_format="hidden")


def deepseek_reasoner(run: Run) -> Any:
    """The ChatDeepSeek page's reasoner: `deepseek-reasoner`'s `reasoning_content`,
    invoked and streamed (`chunk.text` printed as it comes), then the reply sent back in
    the next turn (what the request carried)."""
    model = run.make(model="deepseek-reasoner")
    thought = "Translate to French: programming is 'la programmation'."

    def write(request: MockRequest) -> bytes | list[bytes]:
        return completion(
            request,
            {"content": FRENCH, "reasoning_content": thought},
            deltas=[{"reasoning_content": thought}, {"content": FRENCH}],
        )

    with _server(run, write) as seen:
        reply = model.invoke(TRANSLATE)
        chunks = list(model.stream(TRANSLATE))
        model.invoke([*TRANSLATE, reply, ("human", "And 'I love music'?")])
    return {
        "reply": reply,
        "printed": [c.text for c in chunks],
        "merged": merged_chunks(chunks),
        "sent": [s["body"] for s in seen],
    }


def xai_reasoning_search(run: Run) -> Any:
    """The ChatXAI page: `reasoning_effort="low"` on grok-3-mini (its `reasoning_content`
    kept) and the deprecated `search_parameters` (what is sent, the warning, the
    citations kept), invoked and streamed."""
    thought = "Let me translate that."
    cites = ["https://example.com/a", "https://example.com/b"]

    def write(request: MockRequest) -> bytes | list[bytes]:
        return completion(
            request,
            {"content": FRENCH, "reasoning_content": thought},
            deltas=[{"reasoning_content": thought}, {"content": FRENCH}],
            last={"citations": cites},
        )

    searching, warned = _warned(
        lambda: run.make(search_parameters={"mode": "auto", "max_search_results": 3})
    )
    thinking = run.make(model="grok-3-mini", reasoning_effort="low")
    with _server(run, write) as seen:
        reply = thinking.invoke(TRANSLATE)
        merged = merged_chunks(list(thinking.stream(TRANSLATE)))
        searched = outcome_of(lambda: searching.invoke(TRANSLATE))
    return {
        "reply": reply,
        "merged": merged,
        "searched": searched,
        "warned": warned,
        "sent": [s["body"] for s in seen],
    }


#: What Perplexity's Sonar adds to a reply (its documented fields).
SOURCES = {
    "citations": ["https://example.com/tour", "https://example.com/louvre"],
    "search_results": [
        {"title": "Eiffel Tower", "url": "https://example.com/tour", "date": "2025-01-02"},
        {"title": "The Louvre", "url": "https://example.com/louvre", "date": None},
    ],
    "images": [{"image_url": "https://example.com/t.png", "origin_url": "https://example.com"}],
    "related_questions": ["How tall is the Eiffel Tower?"],
    "videos": [{"url": "https://example.com/v.mp4", "thumbnail_url": None}],
    "reasoning_steps": [{"thought": "Search the landmarks.", "type": "web_search"}],
}
SONAR_USAGE = {
    "prompt_tokens": 8,
    "completion_tokens": 20,
    "total_tokens": 28,
    "citation_tokens": 120,
    "num_search_queries": 1,
    "search_context_size": "low",
}


def perplexity_sources(run: Run) -> Any:
    """The ChatPerplexity page: search options on the class (`search_domain_filter`,
    `search_recency_filter`, `return_images`, `return_related_questions`,
    `web_search_options`) and per call (`extra_body`), a reply with citations, search
    results, images, related questions, videos and reasoning steps: where each is kept,
    invoked and streamed."""
    model = run.make(
        search_domain_filter=["example.com"],
        search_recency_filter="week",
        return_images=True,
        return_related_questions=True,
        web_search_options={"search_context_size": "low"},
    )
    asked = "Tell me about Paris's landmarks."

    def write(request: MockRequest) -> bytes | list[bytes]:
        text = "The Eiffel Tower [1] and the Louvre [2]."
        return completion(
            request, {"content": text}, deltas=[{"content": text}], usage=SONAR_USAGE, **SOURCES
        )

    return _three_ways(
        run, model, asked, write, extra_body={"search_after_date_filter": "1/1/2025"}
    )


def fireworks_together_pages(run: Run) -> Any:
    """The ChatFireworks and ChatTogether pages' snippets: the translator invoked and
    streamed (`full = next(stream)`, then `full += chunk`), `abatch([messages])`, the
    `usage_metadata` and `response_metadata` printed, and JSON mode bound
    (`response_format={"type": "json_object"}`): the replies and what was sent."""
    model = run.make(temperature=0, max_tokens=None, timeout=None, max_retries=2)

    async def body() -> Any:
        return await model.abatch([TRANSLATE])

    with _server(run) as seen:
        reply = model.invoke(TRANSLATE)
        stream = model.stream(TRANSLATE)
        full = next(stream)
        for chunk in stream:
            full += chunk
        batched = arun(body)
        json_mode = model.bind(response_format={"type": "json_object"}).invoke(
            "Return a JSON object with key 'random_ints' and a value of 10 random ints"
        )
    return {
        "usage": reply.usage_metadata,
        "metadata": masked(reply.response_metadata),
        "full": full,
        "batched": batched,
        "json_mode": json_mode,
        "sent": [s["body"] for s in seen],
    }


#: The tokens of `FRENCH` in two pieces, with their log probabilities.
PIECES = ("J'adore", " la programmation.")
TOKENS = [
    {
        "token": piece,
        "logprob": -0.25 * (n + 1),
        "bytes": list(piece.encode()),
        "top_logprobs": [{"token": piece, "logprob": -0.25 * (n + 1), "bytes": None}],
    }
    for n, piece in enumerate(PIECES)
]


def logprobs_bound(run: Run) -> Any:
    """The pages' "Logprobs": `model.bind(logprobs=True)` (and `top_logprobs=1`) invoked:
    `ai_msg.response_metadata["logprobs"]`; streamed, each chunk's and the merged
    stream's; and what the requests asked (the Responses API: `include` and
    `top_logprobs`, the tokens on its text)."""
    model = run.make().bind(logprobs=True, top_logprobs=1)

    def write(request: MockRequest) -> bytes | list[bytes]:
        if request.path.endswith("/responses"):
            part = {"type": "output_text", "text": FRENCH, "annotations": [], "logprobs": TOKENS}
            item = {**_text_item(FRENCH), "content": [part]}
            return responses_reply(request, [item])
        deltas = [{"content": piece} for piece in PIECES]
        return completion(request, {"content": FRENCH}, deltas=deltas, logprobs=TOKENS)

    with _server(run, write) as seen:
        reply = outcome_of(lambda: model.invoke(TRANSLATE))
        chunks = outcome_of(lambda: list(model.stream(TRANSLATE)))
    pieces = chunks if isinstance(chunks, list) else []
    return {
        "logprobs": getattr(reply, "response_metadata", {}).get("logprobs", "<absent>"),
        "reply": reply,
        "chunk_logprobs": [c.response_metadata.get("logprobs", "<absent>") for c in pieces],
        "merged": merged_chunks(pieces) if pieces else chunks,
        "sent": [s["body"] for s in seen],
    }


def responses_structured_dict(run: Run) -> Any:
    """The class docstring's "Structured output" with a JSON schema given as a dict, on
    the Responses API: the raw reply (its `additional_kwargs["parsed"]`, the JSON read
    from the finished response) and the result, invoked, streamed, awaited, and with
    `output_version="responses/v1"`."""
    question = FORECAST + " Answer in JSON."
    structured = run.make().with_structured_output(FORECAST_DICT, include_raw=True)
    legacy = run.make(output_version="responses/v1")
    return {
        "invoked": outcome_of(lambda: structured.invoke(question)),
        "streamed": outcome_of(lambda: settled(list(structured.stream(question)))),
        "awaited": outcome_of(
            lambda: arun(lambda: run.make().with_structured_output(FORECAST_DICT).ainvoke(question))
        ),
        "responses_v1": outcome_of(
            lambda: legacy.with_structured_output(FORECAST_DICT, include_raw=True).invoke(question)
        ),
    }


SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "page_kwargs_and_extra_body": kwargs_and_extra_body,
    "page_flex_tier": flex_tier,
    "page_predicted_output": predicted_output,
    "page_prompt_caching": prompt_caching,
    "page_reasoning_summaries": reasoning_summaries,
    "page_web_search_tool": web_search_tool,
    "page_conversation_state": conversation_state,
    "page_include_and_store": include_and_store,
    "page_standard_blocks_back": standard_blocks_back,
    "page_azure": azure_page,
    "azure_call_model": azure_call_model,
    "page_groq_reasoning": groq_reasoning,
    "page_deepseek_reasoner": deepseek_reasoner,
    "page_xai_reasoning_search": xai_reasoning_search,
    "page_perplexity_sources": perplexity_sources,
    "page_fireworks_together": fireworks_together_pages,
    "page_logprobs_bound": logprobs_bound,
    "responses_structured_dict": responses_structured_dict,
}

#: The wires each page's snippet is written for.
PAGE_WIRES: dict[str, tuple[str, ...]] = {
    "page_kwargs_and_extra_body": ("openai",),
    "page_flex_tier": ("openai", "responses"),
    "page_predicted_output": ("openai",),
    "page_prompt_caching": ("openai", "responses"),
    "page_reasoning_summaries": ("responses",),
    "page_web_search_tool": ("responses",),
    "page_conversation_state": ("responses",),
    "page_include_and_store": ("responses",),
    "page_standard_blocks_back": ("responses",),
    "page_azure": ("azure",),
    "azure_call_model": ("azure",),
    "page_groq_reasoning": ("groq",),
    "page_deepseek_reasoner": ("deepseek",),
    "page_xai_reasoning_search": ("xai",),
    "page_perplexity_sources": ("perplexity",),
    "page_fireworks_together": ("fireworks", "together"),
    "page_logprobs_bound": ("responses", "azure", "deepseek", "xai", "together", "fireworks"),
    "responses_structured_dict": ("responses",),
}

#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
PAGE_DIFFERENCES: dict[tuple[str, str], Difference] = {}


def _cells() -> list[Any]:
    return [
        cell
        for name in SCENARIOS
        for cell in cells([name], PAGE_WIRES[name], differences=PAGE_DIFFERENCES)
    ]


test_openai_page = family_test(SCENARIOS, params=_cells(), differences=PAGE_DIFFERENCES)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = {(name, wire) for name, wires in PAGE_WIRES.items() for wire in wires}
    assert_rows_name_cells(known, PAGE_DIFFERENCES)
    assert set(PAGE_WIRES) == set(SCENARIOS)
