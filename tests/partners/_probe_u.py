"""Scripts the wires' probe_u modules share (tests/partners/<wire>/test_*_probe_u_scripts.py):
each factory takes a suite's constructor `make(cls, url, **settings)` and gives a
`script(cls, url)` that its suite runs with the partner's class and with chatplex's."""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Callable
from typing import Any

from typing_extensions import TypedDict

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import sum_schema

Make = Callable[..., Any]
Script = Callable[[Any, str], Any]


def stop_in_both_places(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A stop sequence given to the constructor and another to the call: invoked and
        streamed (the requests say which was sent)."""
        model = make(cls, url, stop=["END"])
        return [model.invoke("Count", stop=["HALT"]), merged(list(model.stream("Count")))]

    return script


def cached_second_call(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`cache=InMemoryCache()`: the same prompt invoked twice and awaited once (the
        server sees one request), then another prompt."""
        from langchain_core.caches import InMemoryCache

        model = make(cls, url, cache=InMemoryCache())
        replies = [model.invoke("Hi"), model.invoke("Hi"), asyncio.run(model.ainvoke("Hi"))]
        return [*replies, model.invoke("Bye")]

    return script


def events_with_tags(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`astream_events(version="v2")` of a model given tags, metadata and a run name
        by `with_config` and by the call's config: each event's kind, name, tags and
        metadata, and the stream's merged message."""
        model = make(cls, url).with_config(tags=["model-tag"], run_name="helper")
        config = {"tags": ["call-tag"], "metadata": {"user": "u-1"}}

        async def run() -> list[Any]:
            return [e async for e in model.astream_events("Hi", config=config, version="v2")]

        events = asyncio.run(run())
        chunks = [e["data"]["chunk"] for e in events if e["event"] == "on_chat_model_stream"]
        kinds = [(e["event"], e["name"], sorted(e["tags"]), e["metadata"]) for e in events]
        return {"events": _without_repeats(kinds), "merged": merged(chunks)}

    return script


def _without_repeats(items: list[Any]) -> list[Any]:
    """`items` with each run of equal neighbours kept once (a stream's chunk events, as
    many as a wire's pieces)."""
    return [item for i, item in enumerate(items) if i == 0 or items[i - 1] != item]


class Weather(TypedDict):
    """Look up the weather in a city."""

    city: str


#: A tool as a JSON schema dict: its name, description and parameters.
LOOKUP = {"name": "lookup", "description": "Look a term up.", "parameters": {"type": "object"}}
LOOKUP["parameters"] |= {"properties": {"term": {"type": "string"}}, "required": ["term"]}


def three_tool_forms(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """Tools bound as a pydantic model, a TypedDict and a JSON schema dict (with
        a name and a description): the reply and its calls."""
        from pydantic import BaseModel

        class Add(BaseModel):
            """Add two integers."""

            a: int
            b: int

        return make(cls, url).bind_tools([Add, Weather, LOOKUP]).invoke("1+2?")

    return script


def include_raw_failure(make: Make, methods: tuple[str, ...]) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_structured_output(schema, include_raw=True)` of a reply that is no JSON
        of it, per method: the raw message, what was parsed and the error's class."""
        out = {}
        for method in methods:
            chain = make(cls, url).with_structured_output(
                sum_schema(description="A sum."), method=method, include_raw=True
            )
            out[method] = attempted(lambda c=chain: _raw_read(c.invoke("1+2?")))
        return out

    return script


def _raw_read(result: dict[str, Any]) -> dict[str, Any]:
    error = result["parsing_error"]
    return {**result, "parsing_error": type(error).__name__ if error else None}


def streamed_call_pieces(make: Make, tool: Any = add) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A tool call streamed: each chunk's `tool_call_chunks` (index, id, name and
        arguments' piece), and the merged calls."""
        chunks = list(make(cls, url).bind_tools([tool]).stream("1+2?"))
        pieces = [
            [(c["index"], _drawn(c["id"]), c["name"], c["args"]) for c in chunk.tool_call_chunks]
            for chunk in chunks
        ]
        return {"pieces": [p for p in pieces if p], "merged": merged(chunks)}

    return script


#: An id drawn at random per run (a uuid4, as partners name calls the API gives no id).
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _drawn(call_id: Any) -> Any:
    return RANDOM if isinstance(call_id, str) and _UUID.match(call_id) else call_id


def system_mid_history(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A SystemMessage after the conversation began (between an answer and the next
        question), as message objects."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import SystemMessage

        history = [
            SystemMessage("Be brief."),
            HumanMessage("Hi"),
            AIMessage("Hello."),
            SystemMessage("Answer in French from now on."),
            HumanMessage("And now?"),
        ]
        return attempted(lambda: make(cls, url).invoke(history))

    return script


def named_speakers(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """Messages carrying `name` (two people in one conversation, a named answer)."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage

        history = [
            HumanMessage("Hi, I am Ann.", name="ann"),
            AIMessage("Hello Ann.", name="helper"),
            HumanMessage("And I am Bob.", name="bob"),
        ]
        return attempted(lambda: make(cls, url).invoke(history))

    return script


def empty_input(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`invoke([])` and `stream([])`: no message at all, each attempted."""
        model = make(cls, url)
        return [attempted(lambda: model.invoke([])), attempted(lambda: list(model.stream([])))]

    return script


def empty_refused(sent: Callable[[Any], bool]) -> Callable[[Outcome], Outcome]:
    """An `empty_input` row's normaliser where the partner sends the request of no
    messages (its bodies as `sent` checks them) and chatplex refuses it: their replies
    and requests read as our refusals, once both are seen."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert ours == [{"refused": "ValueError"}] * 2 and not our_requests, ours
        assert len(their_requests) == 2 and all(sent(r["body"]) for r in their_requests)
        assert not any("refused" in reply for reply in theirs if isinstance(reply, dict))
        return ours, ours, our_requests, our_requests

    return normalise


def no_streaming(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`disable_streaming=True`: `stream()` answered by one whole reply; and
        `"tool_calling"` with and without tools bound."""
        whole = list(make(cls, url, disable_streaming=True).stream("Hi"))
        model = make(cls, url, disable_streaming="tool_calling")
        return {
            "off": whole,
            "tool_calling": merged(list(model.stream("Hi"))),
            "tools_bound": list(model.bind_tools([Weather]).stream("Hi")),
        }

    return script


def tool_result_blocks(make: Make, image: bool = True) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A tool result given as a list of content blocks (two texts, and an image
        where `image`), then answered."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        blocks: list[Any] = [
            {"type": "text", "text": "Chart drawn."},
            {"type": "text", "text": "Values: 1, 2."},
        ]
        if image:
            blocks.append({"type": "image", "base64": PNG, "mime_type": "image/png"})
        call = {"name": "chart", "args": {"values": [1, 2]}, "id": "call_1", "type": "tool_call"}
        history = [
            HumanMessage("Draw 1, 2."),
            AIMessage("", tool_calls=[call]),
            ToolMessage(blocks, tool_call_id="call_1"),
        ]
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            reply = attempted(lambda: make(cls, url).invoke(history))
        said = [(w.category.__name__, str(w.message)) for w in seen if _the_scripts(w.category)]
        return {"reply": reply, "warned": said}

    return script


def _the_scripts(category: type[Warning]) -> bool:
    """Whether a warning is of the script's call: not a socket an earlier run left,
    collected now, nor a package's notice of its own deprecations."""
    return not issubclass(category, (ResourceWarning, DeprecationWarning))


def model_kwargs_beside_field(make: Make, key: str, value: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`model_kwargs` holding `key`, which the class also takes as a field (its own
        sampling setting): alone (what its construction warned of, and the reply), and
        beside the field, each attempted."""

        def alone() -> Any:
            model, said = constructed(lambda: make(cls, url, model_kwargs={key: value}))
            return {"said": said, "reply": model.invoke("Hi")}

        both = attempted(
            lambda: make(cls, url, model_kwargs={key: value}, **{key: value}).invoke("Hi")
        )
        return {"alone": attempted(alone), "both": both}

    return script


def structured_json_mode_bind(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`response_format={"type": "json_object"}` given by `bind`: invoked and
        streamed."""
        bound = make(cls, url).bind(response_format={"type": "json_object"})
        return [bound.invoke("A JSON sum, please."), merged(list(bound.stream("Sum?")))]

    return script


def batch_configs_per_row(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A batch given one config per row (its tags, metadata and run name) and
        `max_concurrency`: what a callback's `on_chat_model_start` sees per row, and the
        replies."""
        from langchain_core.callbacks import BaseCallbackHandler

        seen: list[Any] = []

        class Started(BaseCallbackHandler):
            def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
                said = messages[0][0].content
                seen.append((said, kwargs.get("name"), kwargs.get("tags"), kwargs.get("metadata")))

        configs = [
            {
                "tags": ["row-1"],
                "metadata": {"row": 1},
                "run_name": "first",
                "callbacks": [Started()],
            },
            {
                "tags": ["row-2"],
                "metadata": {"row": 2},
                "run_name": "second",
                "callbacks": [Started()],
            },
        ]
        for config in configs:
            config["max_concurrency"] = 1
        replies = make(cls, url).batch(["One", "Two"], config=configs)
        return {"replies": replies, "started": sorted(seen, key=str)}

    return script


def system_as_blocks(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A SystemMessage whose content is a list of two text blocks (instructions kept
        apart), before a question."""
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import SystemMessage

        system = SystemMessage(
            [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Answer in French."}]
        )
        return attempted(lambda: make(cls, url).invoke([system, HumanMessage("Hi")]))

    return script


def rows(
    make: Make,
    reply: Any,
    names: tuple[str, ...],
    replies: dict[str, Any] | None = None,
    arguments: dict[str, tuple[Any, ...]] | None = None,
) -> dict[str, tuple[Any, Script]]:
    """A suite's rows of the scripts `names` over its constructor `make`: each answered by
    `reply` unless `replies` gives its own, its factory given its `arguments` (by name)."""
    chosen, given = replies or {}, arguments or {}
    return {
        name: (chosen.get(name, reply), _FACTORIES[name](make, *given.get(name, ())))
        for name in names
    }


_FACTORIES: dict[str, Callable[..., Script]] = {
    factory.__name__: factory
    for factory in (
        stop_in_both_places,
        cached_second_call,
        events_with_tags,
        three_tool_forms,
        include_raw_failure,
        streamed_call_pieces,
        system_mid_history,
        named_speakers,
        empty_input,
        no_streaming,
        tool_result_blocks,
        model_kwargs_beside_field,
        structured_json_mode_bind,
        batch_configs_per_row,
        system_as_blocks,
    )
}
