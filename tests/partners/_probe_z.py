"""Scripts the wires' probe_z modules share (tests/partners/<wire>/test_*_probe_z_scripts.py):
multimodal input and provider-native content, as a LangChain user writes them. An image
or a PDF in each form a script gives it (a v1 standard block, OpenAI's `image_url` data
URL), in a human turn and in a tool's result (a `content_and_artifact` tool's too, sent
back in a second call), and with more than its data (a detail, a cache mark, a file id,
a name); a reply holding the provider's own content (citations, annotations, grounding,
its server tools' blocks), read through `.content_blocks` and `.text` and replayed in
the next turn; and such a reply of every other provider replayed (a conversation moved
to another model). Each factory takes a suite's constructor `make(cls, url, **settings)`
and gives a `script(cls, url)` that its suite runs with the partner's class and with
chatplex's, as the probe_y set's (`_probe_y.py`); `scripts` gives a wire's rows, each
with what it warned of (`heard`)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

from tests.partners._probe_u import _the_scripts
from tests.partners._probe_y import LOOP
from tests.partners._probe_y import Make
from tests.partners._probe_y import Script
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe

#: A PDF's first bytes, base64 (`%PDF-1.4`): a file block's data.
PDF = "JVBERi0xLjQK"

#: The forms of media a script gives, by name.
MEDIA: dict[str, dict[str, Any]] = {
    "v1_url": {"type": "image", "url": "https://example.com/cat.png"},
    "v1_base64": {"type": "image", "base64": PNG, "mime_type": "image/png"},
    "data_url": {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    "pdf": {"type": "file", "base64": PDF, "mime_type": "application/pdf"},
}

#: Every wire's forms in a human turn; the forms a tool's result holds.
ALL_FORMS = tuple(MEDIA)
RESULT_FORMS = ("v1_base64", "data_url", "pdf")

#: Media with more than their data, by name: a detail, a cache mark, a provider's file
#: id, a PDF's name, an image whose MIME type is not given, a PDF by URL.
DETAILED: dict[str, dict[str, Any]] = {
    "image_url_detail": {
        "type": "image_url",
        "image_url": {**MEDIA["data_url"]["image_url"], "detail": "low"},
    },
    "v1_detail": {**MEDIA["v1_base64"], "extras": {"detail": "low"}},
    "v1_cached": {**MEDIA["v1_base64"], "extras": {"cache_control": {"type": "ephemeral"}}},
    "image_file_id": {"type": "image", "file_id": "file-abc123"},
    "pdf_file_id": {"type": "file", "file_id": "file-abc123"},
    "pdf_named": {**MEDIA["pdf"], "filename": "report.pdf"},
    "no_mime_type": {"type": "image", "base64": PNG},
    "pdf_url": {
        "type": "file",
        "url": "https://example.com/doc.pdf",
        "mime_type": "application/pdf",
    },
}
ALL_DETAILED = tuple(DETAILED)


def _asked(form: str) -> list[Any]:
    from langchain_core.messages import HumanMessage

    block = MEDIA.get(form) or DETAILED[form]
    return [HumanMessage([{"type": "text", "text": "What is this?"}, block])]


def media_in_question(
    make: Make, forms: tuple[str, ...] = ALL_FORMS, *, asynchronous: bool = True
) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A human turn of a text and one medium of each form of `forms`, invoked (the
        reply, or the class of what refused it); the first form streamed (merged), and
        awaited where `asynchronous`."""
        model = make(cls, url)
        out = {form: attempted(lambda f=form: model.invoke(_asked(f))) for form in forms}
        out["streamed"] = attempted(lambda: merged(list(model.stream(_asked(forms[0])))))
        if asynchronous:
            awaited = LOOP.run_until_complete
            out["awaited"] = attempted(lambda: awaited(model.ainvoke(_asked(forms[0]))))
        return out

    return script


def media_detailed(make: Make, forms: tuple[str, ...] = ALL_DETAILED) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A human turn of a text and one medium of each `DETAILED` form of `forms`,
        invoked: the reply, or the class of what refused it."""
        model = make(cls, url)
        return {form: attempted(lambda f=form: model.invoke(_asked(f))) for form in forms}

    return script


#: The call a tool's result answers, and the turns before it.
_CALL = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}


def media_in_tool_result(make: Make, forms: tuple[str, ...] = RESULT_FORMS) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A tool's result holding a text and one medium of each form of `forms` (and one
        holding the image alone), then answered: the reply, or the class of what
        refused it."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        def answered(content: Any) -> Any:
            history = [
                HumanMessage("1+2?"),
                AIMessage("", tool_calls=[_CALL]),  # type: ignore[list-item]
                ToolMessage(content, tool_call_id="call_1", name="add"),
            ]
            return attempted(lambda: make(cls, url).invoke(history))

        out = {f: answered([{"type": "text", "text": "Drawn:"}, MEDIA[f]]) for f in forms}
        out["alone"] = answered([MEDIA[forms[0]]])
        return out

    return script


def _drawn_tool() -> Any:
    """`add` as a `content_and_artifact` tool: its content a text and an image, its
    artifact the numbers added."""
    from langchain_core.tools import tool

    @tool("add", response_format="content_and_artifact")
    def drawn(a: int, b: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Add two integers, and draw the sum."""
        return [{"type": "text", "text": str(a + b)}, MEDIA["v1_base64"]], {"sum": [a, b]}

    return drawn


def artifact_round(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A `content_and_artifact` tool bound, called by the model, run on the call it
        made (its ToolMessage: a text and an image, the artifact aside), and its result
        sent back: invoked, and streamed (merged)."""
        from langchain_core.messages import HumanMessage

        drawn = _drawn_tool()
        bound = make(cls, url).bind_tools([drawn])
        first = bound.invoke("1+2?")
        results = [drawn.invoke(call) for call in first.tool_calls]
        history = [HumanMessage("1+2?"), first, *results]
        return {
            "first": first,
            "results": [(r.content, r.artifact, r.name, r.status) for r in results],
            "second": attempted(lambda: bound.invoke(history)),
            "streamed": attempted(lambda: merged(list(bound.stream(history)))),
        }

    return script


#: An id LangChain draws per run for a block that came without one (`lc_` and a uuid4).
_DRAWN = re.compile(r"lc_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def drawn_ids_masked(value: Any) -> Any:
    """`observe(value)` with each id LangChain drew (`_DRAWN`) read as `RANDOM`."""
    value = observe(value)
    if isinstance(value, dict):
        return {k: drawn_ids_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [drawn_ids_masked(v) for v in value]
    return RANDOM if isinstance(value, str) and _DRAWN.fullmatch(value) else value


def _read(message: Any) -> dict[str, Any]:
    """A reply as a script reads it: the message, its `content_blocks` and `.text`."""
    return {
        "message": message,
        "content_blocks": blocks_observed(message.content_blocks),
        "text": message.text,
    }


def with_search(
    answered: Handler, searched: Handler, is_search: Callable[[dict[str, Any]], bool]
) -> Handler:
    """A wire's server answering as `answered`, and with its search's reply (`searched`)
    where a tool the request binds is its search (`is_search`)."""

    def answer(seen: Any) -> Any:
        tools = (seen.body or {}).get("tools") or []
        return searched(seen) if any(is_search(tool) for tool in tools) else answered(seen)

    return answer


def native_reply(
    make: Make, tools: tuple[Any, ...] = (), prompt: str = "Weather in Paris?", **settings: Any
) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A reply holding the provider's own content (the server's: citations,
        annotations, grounding, server tools' blocks), to a model given `settings`
        and bound `tools`: invoked and streamed (merged), each read as `.content`,
        `.content_blocks`, `.text` and `response_metadata`, then sent back in the next
        turn's history."""
        from langchain_core.messages import HumanMessage

        model = make(cls, url, **settings)
        bound = model.bind_tools(list(tools)) if tools else model
        first = bound.invoke(prompt)
        total = merged(list(bound.stream(prompt)))

        def replayed(reply: Any) -> Any:
            return attempted(lambda: bound.invoke([HumanMessage(prompt), reply, "Thanks"]))

        return drawn_ids_masked(
            {
                "invoked": _read(first),
                "streamed": _read(total),
                "invoked_replayed": replayed(first),
                "streamed_replayed": replayed(total),
            }
        )

    return script


#: A web search's reply as each provider's partner gives it, and as LangChain's v1 blocks.
_SOURCE = {"url": "https://w.example", "title": "W"}
FOREIGN_REPLIES: dict[str, dict[str, Any]] = {
    "anthropic": {
        "content": [
            {
                "type": "server_tool_use",
                "id": "srvtoolu_01",
                "name": "web_search",
                "input": {"query": "q"},
            },
            {
                "type": "web_search_tool_result",
                "tool_use_id": "srvtoolu_01",
                "content": [{"type": "web_search_result", **_SOURCE, "encrypted_content": "EC=="}],
            },
            {
                "type": "text",
                "text": "Sunny.",
                "citations": [
                    {
                        "type": "web_search_result_location",
                        **_SOURCE,
                        "encrypted_index": "EI==",
                        "cited_text": "Sunny.",
                    }
                ],
            },
        ],
        "response_metadata": {"model_provider": "anthropic", "model_name": "claude-haiku-4-5"},
    },
    "responses": {
        "content": [
            {
                "type": "text",
                "text": "Sunny.",
                "annotations": [
                    {"type": "url_citation", **_SOURCE, "start_index": 0, "end_index": 6}
                ],
                "id": "msg_1",
            }
        ],
        "additional_kwargs": {
            "tool_outputs": [
                {
                    "type": "web_search_call",
                    "id": "ws_1",
                    "status": "completed",
                    "action": {"type": "search", "query": "q"},
                }
            ]
        },
        "response_metadata": {
            "model_provider": "openai",
            "model_name": "gpt-4o-mini",
            "id": "resp_1",
        },
    },
    "gemini": {
        "content": "Sunny.",
        "response_metadata": {
            "model_provider": "google_genai",
            "model_name": "gemini-2.5-flash",
            "grounding_metadata": {
                "web_search_queries": ["q"],
                "grounding_chunks": [{"web": {"uri": _SOURCE["url"], "title": "W"}}],
            },
        },
    },
    "v1": {
        "content": [
            {"type": "reasoning", "reasoning": "Look it up."},
            {"type": "server_tool_call", "id": "ws_1", "name": "web_search", "args": {}},
            {"type": "server_tool_result", "tool_call_id": "ws_1", "status": "success"},
            {"type": "text", "text": "Sunny.", "annotations": [{"type": "citation", **_SOURCE}]},
        ],
        "response_metadata": {"output_version": "v1"},
    },
}


def foreign_reply_replayed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A web search's reply from each provider's partner (its own content: server
        tools' blocks, citations, annotations, grounding), and one of LangChain's v1
        blocks, in the history of a next turn (a conversation moved to this model):
        the reply, or the class of what refused it."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage

        def replayed(fields: dict[str, Any]) -> Any:
            history = [
                HumanMessage("Weather in Paris?"),
                AIMessage(**fields),
                HumanMessage("Thanks"),
            ]
            return attempted(lambda: make(cls, url).invoke(history))

        return {name: replayed(fields) for name, fields in FOREIGN_REPLIES.items()}

    return script


def heard(script: Script) -> Script:
    """`script` with what it warned of (the partner's warnings are a script's too: a
    Converse file's missing name, a tool result sent as text), as `{"result", "warned"}`."""

    def run(cls: Any, url: str) -> Any:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            result = script(cls, url)
        said = [(w.category.__name__, str(w.message)) for w in seen if _the_scripts(w.category)]
        return {"result": result, "warned": said}

    return run


def within(normalise: Callable[[Outcome], Outcome]) -> Callable[[Outcome], Outcome]:
    """A kept difference's `normalise` of a script's result, run on its `heard` script's
    outcome (what each side warned of compared as it is)."""

    def run(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        read = normalise((theirs["result"], ours["result"], their_requests, our_requests))
        their_result, our_result, their_requests, our_requests = read
        return {**theirs, "result": their_result}, {**ours, "result": our_result}, *read[2:]

    return run


def scripts(
    make: Make,
    *,
    forms: tuple[str, ...] = ALL_FORMS,
    detailed: tuple[str, ...] = ALL_DETAILED,
    result_forms: tuple[str, ...] = RESULT_FORMS,
    native: Callable[..., Script] | None = None,
    asynchronous: bool = True,
) -> dict[str, Script]:
    """The set's scripts (each `heard`) for a wire over its constructor `make`: the `forms`
    it takes in a human turn (and the `detailed` ones), the `result_forms` in a tool's
    result, the other providers' replies replayed, and its provider-native reply read
    with the default output version and with `output_version="v1"` (`native`:
    `native_reply` with the wire's bound tools, given `make` and the settings); an async
    call only where `asynchronous`."""
    native = native or native_reply
    rows = {
        "media_in_question": media_in_question(make, forms, asynchronous=asynchronous),
        "media_detailed": media_detailed(make, detailed),
        "foreign_reply_replayed": foreign_reply_replayed(make),
        "media_in_tool_result": media_in_tool_result(make, result_forms),
        "artifact_round": artifact_round(make),
        "native_reply": native(make),
        "native_reply_v1": native(make, output_version="v1"),
    }
    return {name: heard(script) for name, script in rows.items()}
