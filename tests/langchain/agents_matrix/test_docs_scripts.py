"""The LangChain docs' "Core components" pages as scripts (issue 47): the snippets a user
copies from docs.langchain.com (OSS Python, LangChain v1) whose outcome hangs on the chat
model's class, each run as written with its import line changed, on the wires a script
most often imports: the partner package's class and chatplex's, compared (`_kit.py`):
what the snippet prints or returns (and, where the page is about it, what reached the
server). What test_tutorial_scripts.py and test_model_api.py run already is left out.

- Models: a conversation as dicts and as message objects, `print(response)`; `batch`
  printed and `batch_as_completed` under `max_concurrency`, with the run name, tags and
  metadata of the page's invocation config as a handler hears them; the stream printed
  as text pieces, as content blocks of a tool-bound model, as the growing message, and
  `astream_events` printed; tool calls bound and printed, parallel calls run, a
  streamed call printed piece by piece (name, id, args) and accumulated step by step,
  sync and async; structured output of the page's `Movie` as a pydantic model, a
  TypedDict, a JSON schema by `method="json_schema"`, with `include_raw=True`, nested.
- Messages: a system prompt, a named user message with an id, a tool call written by
  hand (`AIMessage(content=[], tool_calls=[...])`) answered by a `ToolMessage`, a user
  message built from `content_blocks`; the reply's `text`, `content_blocks` and usage;
  a file and an image by a provider-managed id, a base64 video (and the warnings shown).
- Tools: `@tool("web_search")`, `@tool(..., description=...)`, an `args_schema` model with
  a `Literal` and defaults, a JSON-schema `args_schema`, in an agent.
- Short-term memory: `@before_model` trimming the thread with
  `RemoveMessage(REMOVE_ALL_MESSAGES)`, `@after_model` deleting the oldest messages
  (streamed as values, printed as the page prints them), `@after_model` removing a
  reply with a stop word (async).
- Streaming: agent progress (`"updates"`, each step's `content_blocks`), custom updates
  from `get_stream_writer()` beside them, sync and async; the page's tool-call
  rendering over `["messages", "updates"]`; the agents page's values loop; a
  `HumanInTheLoopMiddleware` interrupt streamed, then resumed with the call edited.
- Structured output: `ToolStrategy(tool_message_content=...)`, a union answered twice
  then once (`handle_errors` by default), a rating out of range (retried, then
  `handle_errors="..."`, then `handle_errors=False` raising), `ProviderStrategy`; the
  page's `ProductReview` as a model, as a JSON schema, in a union and by
  `ProviderStrategy`, with what each first request offered.
- Agents: a `@wrap_model_call` choosing the model by the thread's length, a
  `@dynamic_prompt` reading the run's context.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import Literal
from typing import Optional
from typing import TypedDict
from typing import Union

import pytest
from langchain_core import callbacks
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from langchain_core.messages import HumanMessage
from langchain_core.messages import RemoveMessage
from langchain_core.messages import SystemMessage
from langchain_core.messages import ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel
from pydantic import Field

from chatplex.testing import MockScript
from chatplex.testing import ScriptRule

from ._cells import Difference
from ._cells import _function_tools
from ._cells import _openapi_without_defaults
from ._cells import _sent_messages
from ._cells import _tool_defaults_dropped
from ._cells import family_test
from ._cells import ollama_unnamed_results
from ._kit import SCRIPT
from ._kit import STEPS
from ._kit import Run
from ._kit import arun
from ._kit import call_on
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import scripted
from .test_content_scripts import _one_spelling
from .test_handler_scripts import _printed
from .test_model_api import _requests
from .test_scripts import SCRIPT_WIRES
from .test_tutorial_scripts import _bodies
from .test_tutorial_scripts import _pretty
from .test_tutorial_scripts import _unset

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
structured = pytest.importorskip("langchain.agents.structured_output")
memory = pytest.importorskip("langgraph.checkpoint.memory")
lg_config = pytest.importorskip("langgraph.config")
lg_message = pytest.importorskip("langgraph.graph.message")
lg_types = pytest.importorskip("langgraph.types")

pytestmark = pytest.mark.xdist_group("agents_matrix_docs_scripts")

# ---- the replies the pages' snippets get ------------------------------------------------------

#: The page's Movie, as the server answers it.
INCEPTION = {"title": "Inception", "year": 2010, "director": "Christopher Nolan", "rating": 8.8}
#: The nested example's answer.
INCEPTION_CAST = {
    "title": "Inception",
    "year": 2010,
    "cast": [{"name": "Leonardo DiCaprio", "role": "Cobb"}],
    "genres": ["sci-fi", "heist"],
    "budget": 160.0,
}
CONTACT = {"name": "John Doe", "email": "john@email.com"}
#: The structured output page's review, and its answer (a schema's tool without a
#: title, named at random, is called with the server's example arguments).
REVIEW = "Analyze this review: 'Great product: 5 out of 5 stars. Fast shipping, but expensive'"
REVIEWED = {"rating": 5, "sentiment": "positive", "key_points": ["fast shipping", "expensive"]}


def _answer(name: str, data: dict[str, Any], user_text: str) -> list[ScriptRule]:
    """`data` as the schema `name`'s answer: a call of its tool where one is offered,
    else JSON text where a response schema is asked for."""
    return [
        ScriptRule(user_text=user_text, call=name, args=data),
        ScriptRule(user_text=user_text, schema=True, data=data),
    ]


def _tool_takes(name: str, argument: str) -> Any:
    """A predicate: the request offers tool `name` with an `argument` parameter."""
    return lambda request: argument in json.dumps(request.tools.get(name) or {})


DOCS_SCRIPT = MockScript(
    rules=[
        # Models: the page's weather questions.
        ScriptRule(
            user_text=r"weather in Boston and Tokyo",
            call="get_weather",
            args={"location": "Boston"},
            also=[{"call": "get_weather", "args": {"location": "Tokyo"}}],
        ),
        call_on(r"weather like in (?P<place>[^?.]+)", "get_weather", {"location": r"\g<place>"}),
        *_answer("MovieDetails", INCEPTION_CAST, r"cast of the movie"),
        *_answer("Movie", INCEPTION, r"movie Inception"),
        *_answer("MovieDict", INCEPTION, r"movie Inception"),
        # Tools: the weather in some units, a sum.
        call_on(
            r"weather in (?P<place>\w+) in fahrenheit",
            "get_weather",
            {"location": r"\g<place>", "units": "fahrenheit"},
        ),
        ScriptRule(user_text=r"What is 3 \* 7", call="calculator", args={"expression": "3 * 7"}),
        # Streaming: the custom-updates page's tool takes a city.
        ScriptRule(
            user_text=r"weather in (?P<place>[^?.]+)",
            when=_tool_takes("get_weather", "city"),
            call="get_weather",
            args={"city": r"\g<place>"},
        ),
        # Structured output: one answer, two answers then one, a rating out of range.
        call_on(
            r"From our meeting",
            "MeetingAction",
            {"task": "Update the project timeline", "assignee": "Sarah", "priority": "high"},
        ),
        ScriptRule(
            user_text=r"Extract info",
            call="ContactInfo",
            args=CONTACT,
            also=[
                {
                    "call": "EventDetails",
                    "args": {"event_name": "Tech Conference", "date": "March 15th"},
                }
            ],
        ),
        ScriptRule(
            user_text=r"Extract info", after_tool_result=True, call="ContactInfo", args=CONTACT
        ),
        call_on(r"Parse this", "ProductRating", {"rating": 10, "comment": "Amazing product"}),
        ScriptRule(
            user_text=r"Parse this",
            after_tool_result=True,
            call="ProductRating",
            args={"rating": 5, "comment": "Amazing product"},
        ),
        ScriptRule(user_text=r"Extract contact info", schema=True, data=CONTACT),
        *_answer("ProductReview", REVIEWED, r"Analyze this review"),
        *SCRIPT.rules,
    ]
)

_docs_script = scripted(DOCS_SCRIPT)

# ---- what a snippet prints ------------------------------------------------------------------

#: What `print(message)` shows that is drawn per reply: an id, a time, a fingerprint.
_DRAWN = re.compile(
    r"(?<=\bid=)'[^']*'"
    r"|(?<=')(id|created|created_at|system_fingerprint|request_id|RequestId|"
    r"x-amzn-requestid|date|signature)(': )('[^']*'|\d+)"
)


def _shown(text: str) -> str:
    """Printed text with what is drawn per reply masked, the rest as printed."""
    return _DRAWN.sub(lambda m: f"{m[1]}{m[2]}<random>" if m[1] else "<random>", text)


def _warned(caught: list[warnings.WarningMessage]) -> list[str]:
    """The warnings a script shows its user (runtime and user warnings), as printed."""
    shown = (w for w in caught if issubclass(w.category, (RuntimeWarning, UserWarning)))
    return [f"{w.category.__name__}: {w.message}" for w in shown]


def _sent(seen: list[dict[str, Any]]) -> Any:
    """The request bodies the server got, ids masked, in one spelling where Gemini's
    reads two (`_one_spelling`)."""
    return _one_spelling(_bodies(seen))


def _said(call: Any) -> list[str]:
    """What `call()` prints, line by line, drawn values masked."""
    with _printed() as out:
        call()
    return _shown(out.getvalue()).splitlines()


# ---- models: invoke, batch, stream ----------------------------------------------------------

CONVERSATION = [
    {"role": "system", "content": "You are a helpful assistant that translates English to French."},
    {"role": "user", "content": "Translate: I love programming."},
    {"role": "assistant", "content": "J'adore la programmation."},
    {"role": "user", "content": "Translate: I love building applications."},
]
QUESTIONS = [
    "Why do parrots have colorful feathers?",
    "How do airplanes fly?",
    "What is quantum computing?",
]


class _Runs(callbacks.BaseCallbackHandler):
    """The page's `my_callback_handler`: each chat-model run's name, tags and metadata."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append(
            {
                "name": kwargs.get("name"),
                "tags": kwargs.get("tags"),
                "metadata": kwargs.get("metadata"),
            }
        )


def docs_invocation(run: Run) -> Any:
    """The models page's invocation: a conversation as dicts and as message objects
    (`print(response)`), `batch` printed, `batch_as_completed` under
    `config={"max_concurrency": 2}` (each `(index, reply)`, in index order), and the
    invocation config's run name, tags and metadata as the handler hears them."""
    model = run.make()
    handler = _Runs()
    objects = [
        SystemMessage("You are a helpful assistant that translates English to French."),
        HumanMessage("Translate: I love programming."),
        AIMessage("J'adore la programmation."),
        HumanMessage("Translate: I love building applications."),
    ]

    def script() -> None:
        print(model.invoke(CONVERSATION))
        print(model.invoke(objects))
        for response in model.batch(QUESTIONS):
            print(response)
        done = sorted(model.batch_as_completed(QUESTIONS, config={"max_concurrency": 2}))
        for response in done:
            print(response)
        model.invoke(
            "Tell me a joke",
            config={
                "run_name": "joke_generation",
                "tags": ["humor", "demo"],
                "metadata": {"user_id": "123"},
                "callbacks": [handler],
            },
        )

    with _requests(run) as seen:
        printed = _said(script)
    return {"printed": printed, "runs": handler.seen, "sent": _sent(seen[:2])}


def docs_stream_blocks(run: Run) -> Any:
    """The models page's streams: text pieces printed with `end="|"`; a tool-bound
    model's chunks read by content block type; the message growing chunk by chunk
    (`full.text` each step, then `full.content_blocks`); and `astream_events` printed
    as the page prints the start, each token and the end."""
    model = run.make()

    def script() -> None:
        for chunk in model.stream("Why do parrots have colorful feathers?"):
            print(chunk.text, end="|", flush=True)
        print()
        for chunk in model.bind_tools([get_weather]).stream("What is the weather in Paris?"):
            for block in chunk.content_blocks:
                if block["type"] == "reasoning" and (reasoning := block.get("reasoning")):
                    print(f"Reasoning: {reasoning}")
                elif block["type"] == "tool_call_chunk":
                    print(f"Tool call chunk: {masked(block)}")
                elif block["type"] == "text":
                    print(block["text"])
        full = None
        for chunk in model.stream("What color is the sky?"):
            full = chunk if full is None else full + chunk
            print(full.text)
        assert full is not None
        print(full.content_blocks)

    async def events() -> list[str]:
        shown = []
        async for event in model.astream_events("Hello"):
            if event["event"] == "on_chat_model_start":
                shown.append(f"Input: {event['data']['input']}")
            elif event["event"] == "on_chat_model_stream":
                shown.append(f"Token: {event['data']['chunk'].text}")
            elif event["event"] == "on_chat_model_end":
                shown.append(f"Full message: {event['data']['output'].text}")
        return shown

    return {"printed": _said(script), "events": arun(events)}


def docs_tool_chunks(run: Run) -> Any:
    """The models page's tool calling: each call printed (`Tool:` / `Args:`), the
    parallel calls run by `get_weather.invoke(tool_call)`, a streamed call printed piece
    by piece (name, id, args) and accumulated step by step (`gathered.tool_calls` after
    each chunk), sync and async."""
    model_with_tools = run.make().bind_tools([get_weather])

    def script() -> None:
        response = model_with_tools.invoke("What's the weather like in Boston?")
        for tool_call in response.tool_calls:
            print(f"Tool: {tool_call['name']}")
            print(f"Args: {tool_call['args']}")
        response = model_with_tools.invoke("What's the weather in Boston and Tokyo?")
        print(masked(response.tool_calls))
        results = [get_weather.invoke(tool_call) for tool_call in response.tool_calls]
        print([r.content for r in results])
        for chunk in model_with_tools.stream("What's the weather in Boston and Tokyo?"):
            for tool_chunk in chunk.tool_call_chunks:
                if name := tool_chunk.get("name"):
                    print(f"Tool: {name}")
                if tool_chunk.get("id"):
                    print("ID: <random>")
                if args := tool_chunk.get("args"):
                    print(f"Args: {args}")
        gathered = None
        for chunk in model_with_tools.stream("What's the weather like in Boston?"):
            gathered = chunk if gathered is None else gathered + chunk
            print(masked(gathered.tool_calls))

    async def accumulated() -> list[Any]:
        steps = []
        gathered = None
        async for chunk in model_with_tools.astream("What's the weather like in Boston?"):
            gathered = chunk if gathered is None else gathered + chunk
            steps.append(masked(gathered.tool_calls))
        return steps

    return {"printed": _said(script), "async": arun(accumulated)}


# ---- models: structured output ----------------------------------------------------------------


class Movie(BaseModel):
    """A movie with details."""

    title: str = Field(description="The title of the movie")
    year: int = Field(description="The year the movie was released")
    director: str = Field(description="The director of the movie")
    rating: float = Field(description="The movie's rating out of 10")


class MovieDict(TypedDict):
    """A movie with details."""

    title: Annotated[str, ..., "The title of the movie"]
    year: Annotated[int, ..., "The year the movie was released"]
    director: Annotated[str, ..., "The director of the movie"]
    rating: Annotated[float, ..., "The movie's rating out of 10"]


MOVIE_SCHEMA = {
    "title": "Movie",
    "description": "A movie with details",
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "The title of the movie"},
        "year": {"type": "integer", "description": "The year the movie was released"},
        "director": {"type": "string", "description": "The director of the movie"},
        "rating": {"type": "number", "description": "The movie's rating out of 10"},
    },
    "required": ["title", "year", "director", "rating"],
}


class Actor(BaseModel):
    name: str
    role: str


class MovieDetails(BaseModel):
    title: str
    year: int
    cast: list[Actor]
    genres: list[str]
    budget: float | None = Field(None, description="Budget in millions USD")


def docs_movie_structured(run: Run) -> Any:
    """The models page's structured output: `Movie` (pydantic), `MovieDict` (TypedDict),
    the JSON schema by `method="json_schema"`, `Movie` with `include_raw=True` and the
    nested `MovieDetails`, each printed as the page prints it (an error where the partner
    raises one)."""
    model = run.make()
    ask = "Provide details about the movie Inception"

    def shown(schema: Any, **how: Any) -> Any:
        return outcome_of(lambda: repr(model.with_structured_output(schema, **how).invoke(ask)))

    def raw() -> Any:
        response = model.with_structured_output(Movie, include_raw=True).invoke(ask)
        return {"raw": observe(response["raw"]), "parsed": repr(response["parsed"])}

    return {
        "pydantic": shown(Movie),
        "typed_dict": shown(MovieDict),
        "json_schema": shown(MOVIE_SCHEMA, method="json_schema"),
        "include_raw": outcome_of(raw),
        "nested": outcome_of(
            lambda: repr(
                model.with_structured_output(MovieDetails).invoke(
                    "Provide the cast of the movie Inception"
                )
            )
        ),
    }


# ---- messages --------------------------------------------------------------------------------

#: A 1x1 PNG, as a base64 image block carries it.
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


def docs_message_lifecycle(run: Run) -> Any:
    """The messages page: a system prompt and a user turn; a named user message with an
    id; a tool call written by hand (`AIMessage(content=[], tool_calls=[...])`) answered
    by a `ToolMessage`; a user message built from `content_blocks` (text and a base64
    image): each reply's text, `content_blocks` and usage, and what reached the server."""
    model = run.make()
    ai_message = AIMessage(
        content=[],
        tool_calls=[
            {"name": "get_weather", "args": {"location": "San Francisco"}, "id": "call_123"}
        ],
    )
    conversations = [
        [
            SystemMessage("You are a helpful coding assistant."),
            HumanMessage("How do I create a REST API?"),
        ],
        [HumanMessage(content="Hello!", name="alice", id="msg_123")],
        [
            HumanMessage("What's the weather in San Francisco?"),
            ai_message,
            ToolMessage(content="Sunny, 72°F", tool_call_id="call_123"),
        ],
        [
            HumanMessage(
                content_blocks=[
                    {"type": "text", "text": "Describe the content of this image."},
                    {"type": "image", "base64": PIXEL, "mime_type": "image/png"},
                ]
            )
        ],
    ]
    with _requests(run) as seen, warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        replies = [outcome_of(lambda said=said: model.invoke(said)) for said in conversations]
    return {
        "replies": [
            {"text": r.text, "blocks": masked(r.content_blocks), "usage": r.usage_metadata}
            if isinstance(r, AIMessage)
            else r
            for r in replies
        ],
        "warned": _warned(warned),
        "sent": _sent(seen),
    }


# ---- tools ---------------------------------------------------------------------------------


@tool("web_search")
def search(query: str) -> str:
    """Search the web for information."""
    return f"Results for: {query}"


@tool("calculator", description="Performs arithmetic calculations. Use this for any math problems.")
def calc(expression: str) -> str:
    """Evaluate mathematical expressions."""
    return "21" if expression == "3 * 7" else "unknown"


class WeatherInput(BaseModel):
    """Input for weather queries."""

    location: str = Field(description="City name or coordinates")
    units: Literal["celsius", "fahrenheit"] = Field(
        default="celsius", description="Temperature unit preference"
    )
    include_forecast: bool = Field(default=False, description="Include 5-day forecast")


@tool("get_weather", args_schema=WeatherInput)
def get_weather_in_units(
    location: str, units: str = "celsius", include_forecast: bool = False
) -> str:
    """Get current weather and optional forecast."""
    temp = 22 if units == "celsius" else 72
    return f"Current weather in {location}: {temp} degrees {units[0].upper()}"


SEARCH_SCHEMA = {
    "type": "object",
    "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
    "required": ["query"],
}


@tool(args_schema=SEARCH_SCHEMA)
def search_database(query: str, limit: int = 10) -> str:
    """Search the customer database for records matching the query."""
    return f"Found {limit} results for '{query}'"


def docs_tool_variants(run: Run) -> Any:
    """The tools page's definitions in an agent: a tool renamed (`@tool("web_search")`),
    one with its own description, one over an `args_schema` model (a `Literal` and
    defaults), one over a JSON schema: the messages of two runs, and the tools the
    first request offered."""
    agent = agents.create_agent(
        run.make(), tools=[search, calc, get_weather_in_units, search_database]
    )
    with _requests(run) as seen:
        weather = agent.invoke(
            {
                "messages": [
                    {"role": "user", "content": "What is the weather in Paris in fahrenheit?"}
                ]
            },
            STEPS,
        )
        product = agent.invoke({"messages": [{"role": "user", "content": "What is 3 * 7?"}]}, STEPS)
    offered = seen[0].get("tools") or seen[0].get("toolConfig") or seen[0].get("tool_config")
    return {
        "weather": weather["messages"],
        "product": product["messages"],
        "offered": _one_spelling(masked(offered)),
    }


# ---- short-term memory ---------------------------------------------------------------------


@middleware.before_model
def trim_messages(state: Any, runtime: Any) -> dict[str, Any] | None:
    """Keep only the last few messages to fit context window."""
    messages = state["messages"]
    if len(messages) <= 3:
        return None
    first_msg = messages[0]
    recent_messages = messages[-3:] if len(messages) % 2 == 0 else messages[-4:]
    new_messages = [first_msg, *recent_messages]
    return {"messages": [RemoveMessage(id=lg_message.REMOVE_ALL_MESSAGES), *new_messages]}


def docs_trim_before_model(run: Run) -> Any:
    """The short-term memory page's trimming: four turns on one thread through an
    agent whose `@before_model` keeps the first message and the last few; the last
    reply pretty-printed, and what each request carried."""
    agent = agents.create_agent(
        run.make(), tools=[], middleware=[trim_messages], checkpointer=memory.InMemorySaver()
    )
    config = {"configurable": {"thread_id": "1"}, **STEPS}
    with _requests(run) as seen:
        agent.invoke({"messages": "hi, my name is bob"}, config)
        agent.invoke({"messages": "write a short poem about cats"}, config)
        agent.invoke({"messages": "now do the same but for dogs"}, config)
        final_response = agent.invoke({"messages": "what's my name?"}, config)
    return {
        "printed": _pretty([final_response["messages"][-1]]),
        "kept": final_response["messages"],
        "sent": _sent(seen),
    }


@middleware.after_model
def delete_old_messages(state: Any, runtime: Any) -> dict[str, Any] | None:
    """Remove old messages to keep conversation manageable."""
    messages = state["messages"]
    if len(messages) > 2:
        return {"messages": [RemoveMessage(id=m.id) for m in messages[:2]]}
    return None


def docs_delete_after_model(run: Run) -> Any:
    """The short-term memory page's deletion: an `@after_model` removing the two
    oldest messages by id, two turns streamed as values and printed as
    `[(message.type, message.content) ...]`."""
    agent = agents.create_agent(
        run.make(),
        tools=[],
        system_prompt="Please be concise and to the point.",
        middleware=[delete_old_messages],
        checkpointer=memory.InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "1"}, **STEPS}

    def script() -> None:
        for said in ("hi! I'm bob", "what's my name?"):
            for event in agent.stream(
                {"messages": [{"role": "user", "content": said}]}, config, stream_mode="values"
            ):
                print([(message.type, message.content) for message in event["messages"]])

    return _said(script)


# ---- streaming ------------------------------------------------------------------------------


@tool("get_weather")
def get_weather_streaming(city: str) -> str:
    """Get weather for a given city."""
    writer = lg_config.get_stream_writer()
    writer(f"Looking up data for city: {city}")
    writer(f"Acquired data for city: {city}")
    return f"It's always sunny in {city}!"


def docs_stream_updates(run: Run) -> Any:
    """The streaming page's agent progress (`stream_mode="updates"`: each step and its
    last message's `content_blocks`), then custom updates beside the updates
    (`["updates", "custom"]`), sync, and the progress async."""
    question = {"messages": [{"role": "user", "content": "What is the weather in SF?"}]}
    agent = agents.create_agent(run.make(), tools=[get_weather])
    writing = agents.create_agent(run.make(), tools=[get_weather_streaming])

    def script() -> None:
        for chunk in agent.stream(question, STEPS, stream_mode="updates"):
            for step, data in chunk.items():
                print(f"step: {step}")
                print(f"content: {masked(data['messages'][-1].content_blocks)}")
        for stream_mode, chunk in writing.stream(
            question, STEPS, stream_mode=["updates", "custom"]
        ):
            print(f"stream_mode: {stream_mode}")
            print(f"content: {masked(observe(chunk))}")

    async def progress() -> list[Any]:
        steps = []
        async for chunk in agent.astream(question, STEPS, stream_mode="updates"):
            for step, data in chunk.items():
                steps.append({step: masked(data["messages"][-1].content_blocks)})
        return steps

    return {"printed": _said(script), "async": arun(progress)}


def _render_message_chunk(token: AIMessageChunk) -> None:
    if token.text:
        print(token.text, end="|")
    if token.tool_call_chunks:
        print(masked(token.tool_call_chunks))


def _render_completed_message(message: Any) -> None:
    if isinstance(message, AIMessage) and message.tool_calls:
        print(f"Tool calls: {masked(message.tool_calls)}")
    if isinstance(message, ToolMessage):
        print(f"Tool response: {masked(message.content_blocks)}")


def docs_stream_render(run: Run) -> Any:
    """The streaming page's tool calls rendered over `["messages", "updates"]` (text
    pieces, tool-call chunks, the completed calls and tool results), and the agents
    page's values loop printing `Agent: ...` or `Calling tools: [...]`."""
    agent = agents.create_agent(run.make(), tools=[get_weather])
    input_message = {"role": "user", "content": "What is the weather in Boston?"}

    def script() -> None:
        for stream_mode, data in agent.stream(
            {"messages": [input_message]}, STEPS, stream_mode=["messages", "updates"]
        ):
            if stream_mode == "messages":
                token, metadata = data
                if isinstance(token, AIMessageChunk):
                    _render_message_chunk(token)
            if stream_mode == "updates":
                for source, update in data.items():
                    if source in ("model", "tools"):
                        _render_completed_message(update["messages"][-1])
        print()
        for chunk in agent.stream(
            {"messages": [{"role": "user", "content": "Search for AI news and summarize"}]},
            STEPS,
            stream_mode="values",
        ):
            latest_message = chunk["messages"][-1]
            if latest_message.content:
                print(f"Agent: {masked(latest_message.content)}")
            elif latest_message.tool_calls:
                print(f"Calling tools: {[tc['name'] for tc in latest_message.tool_calls]}")
        for chunk in agent.stream({"messages": [input_message]}, STEPS, stream_mode="values"):
            latest_message = chunk["messages"][-1]
            if latest_message.content:
                print(f"Agent: {masked(latest_message.content)}")
            elif latest_message.tool_calls:
                print(f"Calling tools: {[tc['name'] for tc in latest_message.tool_calls]}")

    return _said(script)


# ---- structured output in an agent -----------------------------------------------------------


class MeetingAction(BaseModel):
    """Action items extracted from a meeting transcript."""

    task: str = Field(description="The specific task to be completed")
    assignee: str = Field(description="Person responsible for the task")
    priority: Literal["low", "medium", "high"] = Field(description="Priority level")


class ContactInfo(BaseModel):
    name: str = Field(description="Person's name")
    email: str = Field(description="Email address")


class EventDetails(BaseModel):
    event_name: str = Field(description="Name of the event")
    date: str = Field(description="Event date")


class ProductRating(BaseModel):
    rating: int | None = Field(description="Rating from 1-5", ge=1, le=5)
    comment: str = Field(description="Review comment")


def _structured_run(run: Run, strategy: Any, said: str) -> Any:
    """An agent with no tools answering in `strategy`: its structured response and its
    messages pretty-printed (or what it raised)."""

    def call() -> Any:
        agent = agents.create_agent(run.make(), tools=[], response_format=strategy)
        result = agent.invoke({"messages": [{"role": "user", "content": said}]}, STEPS)
        return {
            "response": repr(result["structured_response"]),
            "printed": _pretty(result["messages"]),
        }

    return outcome_of(call)


def docs_structured_errors(run: Run) -> Any:
    """The structured output page's `ToolStrategy` details: `tool_message_content`; a
    union answered with two calls, then one (the default `handle_errors`); a rating out
    of range retried, with a custom message, and raised under `handle_errors=False`;
    then `ProviderStrategy(ContactInfo)`."""
    rating = "Parse this: Amazing product, 10/10!"
    return {
        "message_content": _structured_run(
            run,
            structured.ToolStrategy(
                schema=MeetingAction,
                tool_message_content="Action item captured and added to meeting notes!",
            ),
            "From our meeting: Sarah needs to update the project timeline as soon as possible",
        ),
        "multiple": _structured_run(
            run,
            structured.ToolStrategy(Union[ContactInfo, EventDetails]),  # noqa: UP007 - as the page writes it
            "Extract info: John Doe (john@email.com) is organizing Tech Conference on March 15th",
        ),
        "validation": _structured_run(run, structured.ToolStrategy(ProductRating), rating),
        "custom_message": _structured_run(
            run,
            structured.ToolStrategy(
                schema=ProductRating,
                handle_errors="Please provide a valid rating between 1-5 and include a comment.",
            ),
            rating,
        ),
        "no_handling": _structured_run(
            run, structured.ToolStrategy(schema=ProductRating, handle_errors=False), rating
        ),
        "provider": _structured_run(
            run,
            structured.ProviderStrategy(ContactInfo),
            "Extract contact info from: John Doe, john@email.com, (555) 123-4567",
        ),
    }


# ---- agents: a model and a prompt chosen per call ---------------------------------------------


@dataclass
class RoleContext:
    user_role: str


def docs_dynamic_agent(run: Run) -> Any:
    """The agents page's dynamic model (a `@wrap_model_call` taking the advanced model
    once the thread is long) and dynamic prompt (a `@dynamic_prompt` by the context's
    user role), over two turns of a thread: the messages, and the model and system text
    each request carried."""
    basic_model = run.make()
    advanced_model = run.make(temperature=0.1)

    @middleware.wrap_model_call
    def dynamic_model_selection(request: Any, handler: Any) -> Any:
        """Choose model based on conversation complexity."""
        message_count = len(request.state["messages"])
        model = advanced_model if message_count > 3 else basic_model
        return handler(request.override(model=model))

    @middleware.dynamic_prompt
    def user_role_prompt(request: Any) -> str:
        """Generate system prompt based on user role."""
        base_prompt = "You are a helpful assistant."
        if request.runtime.context.user_role == "expert":
            return f"{base_prompt} Provide detailed technical responses."
        return f"{base_prompt} Explain concepts simply and avoid jargon."

    agent = agents.create_agent(
        basic_model,
        tools=[get_weather],
        middleware=[dynamic_model_selection, user_role_prompt],
        context_schema=RoleContext,
        checkpointer=memory.InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "1"}, **STEPS}
    with _requests(run) as seen:
        agent.invoke(
            {"messages": [{"role": "user", "content": "Explain machine learning"}]},
            config,
            context=RoleContext(user_role="expert"),
        )
        result = agent.invoke(
            {"messages": [{"role": "user", "content": "What is the weather in Rome?"}]},
            config,
            context=RoleContext(user_role="beginner"),
        )
    return {"messages": result["messages"], "sent": _sent(seen)}


# ---- structured output: the review schemas ----------------------------------------------------


PRODUCT_REVIEW_SCHEMA = {
    "type": "object",
    "description": "Analysis of a product review.",
    "properties": {
        "rating": {
            "type": ["integer", "null"],
            "description": "The rating of the product (1-5)",
            "minimum": 1,
            "maximum": 5,
        },
        "sentiment": {
            "type": "string",
            "enum": ["positive", "negative"],
            "description": "The sentiment of the review",
        },
        "key_points": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The key points of the review",
        },
    },
    "required": ["sentiment", "key_points"],
}


class ProductReview(BaseModel):
    """Analysis of a product review."""

    rating: Optional[int] = Field(description="The rating of the product", ge=1, le=5)  # noqa: UP045 - as the page writes it
    sentiment: Literal["positive", "negative"] = Field(description="The sentiment of the review")
    key_points: list[str] = Field(
        description="The key points of the review. Lowercase, 1-3 words each."
    )


class CustomerComplaint(BaseModel):
    """A customer complaint about a product or service."""

    issue_type: Literal["product", "service", "shipping", "billing"] = Field(
        description="The type of issue"
    )
    severity: Literal["low", "medium", "high"] = Field(description="The severity of the complaint")
    description: str = Field(description="Brief description of the complaint")


_RANDOM_TOOL = re.compile(r"response_format_[0-9a-f]{4}")


def _reviewed(run: Run, strategy: Any) -> Any:
    """The page's review through an agent answering in `strategy`: its structured
    response, and the tools and response format the first request offered."""

    def call() -> Any:
        agent = agents.create_agent(run.make(), tools=[], response_format=strategy)
        with _requests(run) as seen:
            result = agent.invoke({"messages": [{"role": "user", "content": REVIEW}]}, STEPS)
        first = _unset(seen[0] if seen else {})
        offered = {k: v for k, v in first.items() if "tool" in k.lower() or "format" in k.lower()}
        # A JSON schema without a title names its tool `response_format_<4 hex>`.
        shown = _RANDOM_TOOL.sub("response_format_<random>", json.dumps(masked(offered)))
        return {
            "response": repr(result["structured_response"]),
            "offered": _one_spelling(json.loads(shown)),
        }

    return outcome_of(call)


def docs_review_schemas(run: Run) -> Any:
    """The structured output page's `ProductReview` by `ToolStrategy` as a pydantic
    model, as its JSON schema (a `["integer", "null"]` type, bounds, an enum), as a union
    with `CustomerComplaint`, and by `ProviderStrategy`: the response and what each first
    request offered."""
    return {
        "pydantic": _reviewed(run, structured.ToolStrategy(ProductReview)),
        "json_schema": _reviewed(run, structured.ToolStrategy(PRODUCT_REVIEW_SCHEMA)),
        "union": _reviewed(
            run,
            structured.ToolStrategy(Union[ProductReview, CustomerComplaint]),  # noqa: UP007 - as the page writes it
        ),
        "provider": _reviewed(run, structured.ProviderStrategy(ProductReview)),
    }


# ---- short-term memory: a reply validated after the model --------------------------------------


@middleware.after_model
def validate_response(state: Any, runtime: Any) -> dict[str, Any] | None:
    """Remove messages containing sensitive words."""
    stop_words = ["password", "secret"]
    last_message = state["messages"][-1]
    if any(word in last_message.content for word in stop_words):
        return {"messages": [RemoveMessage(id=last_message.id)]}
    return None


def docs_after_model_validate(run: Run) -> Any:
    """The short-term memory page's `@after_model` removing a reply that holds a stop
    word (`word in last_message.content`, a string or a list of blocks): a reply echoing
    "secret" removed, a tool call kept, over one thread, async."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[validate_response],
        checkpointer=memory.InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "1"}, **STEPS}

    async def body() -> Any:
        first = await agent.ainvoke({"messages": "Tell me the secret password"}, config)
        second = await agent.ainvoke({"messages": "What is the weather in Oslo?"}, config)
        return {"first": first["messages"], "second": second["messages"]}

    return arun(body)


# ---- streaming: a tool call approved after an interrupt -----------------------------------------


def docs_stream_interrupt(run: Run) -> Any:
    """The streaming page's human-in-the-loop: a `HumanInTheLoopMiddleware` agent
    streamed over `["updates", "messages"]` until the interrupt (its action requests
    printed), then resumed with the call edited (`{"type": "edit", ...}`) and streamed
    as updates; what the last request carried."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[middleware.HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})],
        checkpointer=memory.InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "some_id"}, **STEPS}
    edited = {"name": "get_weather", "args": {"location": "Rome"}}
    resume = lg_types.Command(resume={"decisions": [{"type": "edit", "edited_action": edited}]})

    def script() -> None:
        for stream_mode, data in agent.stream(
            {"messages": [{"role": "user", "content": "What is the weather in Boston?"}]},
            config,
            stream_mode=["updates", "messages"],
        ):
            if stream_mode == "messages":
                token, metadata = data
                if token.text:
                    print(token.text, end="|")
                if token.tool_call_chunks:
                    print(masked(token.tool_call_chunks))
            elif "__interrupt__" in data:
                for interrupt in data["__interrupt__"]:
                    print(f"Interrupt: {masked(interrupt.value)}")
        for chunk in agent.stream(resume, config, stream_mode="updates"):
            for step, update in chunk.items():
                print(f"step: {step}")
                print(f"content: {masked(update['messages'][-1].content_blocks)}")

    with _requests(run) as seen:
        printed = _said(script)
    return {"printed": printed, "last_sent": _sent(seen[-1:])}


# ---- messages: media the provider holds, video ---------------------------------------------------


def docs_multimodal_ids(run: Run) -> Any:
    """The messages page's multimodal blocks not sent as bytes or URLs elsewhere: a
    file and an image by a provider-managed id, and a base64 video: each reply (or what
    was raised) and what reached the server."""
    model = run.make(max_retries=0)
    said = [
        [
            {"type": "text", "text": "Describe the content of this document."},
            {"type": "file", "file_id": "file-abc123"},
        ],
        [
            {"type": "text", "text": "Describe the content of this image."},
            {"type": "image", "file_id": "file-abc123"},
        ],
        [
            {"type": "text", "text": "Describe the content of this video."},
            {"type": "video", "base64": "AAAAIGZ0eXBpc29t", "mime_type": "video/mp4"},
        ],
    ]
    with _requests(run) as seen, warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        replies = [
            outcome_of(lambda content=content: model.invoke([HumanMessage(content=content)]).text)
            for content in said
        ]
    return {"replies": replies, "warned": _warned(warned), "sent": _sent(seen)}


SCENARIOS = {
    "docs_invocation": docs_invocation,
    "docs_stream_blocks": docs_stream_blocks,
    "docs_tool_chunks": docs_tool_chunks,
    "docs_movie_structured": docs_movie_structured,
    "docs_message_lifecycle": docs_message_lifecycle,
    "docs_tool_variants": docs_tool_variants,
    "docs_trim_before_model": docs_trim_before_model,
    "docs_delete_after_model": docs_delete_after_model,
    "docs_stream_updates": docs_stream_updates,
    "docs_stream_render": docs_stream_render,
    "docs_structured_errors": docs_structured_errors,
    "docs_dynamic_agent": docs_dynamic_agent,
    "docs_review_schemas": docs_review_schemas,
    "docs_after_model_validate": docs_after_model_validate,
    "docs_stream_interrupt": docs_stream_interrupt,
    "docs_multimodal_ids": docs_multimodal_ids,
}

# ---- the cells that differ ------------------------------------------------------------------


def _user_name_dropped(outcome: Any) -> bool:
    """The messages page's named user message ("Hello!", name="alice") went without its
    `name`."""
    named = [m for m in _sent_messages(outcome) if m.get("content") == "Hello!"]
    return bool(named) and all(m.get("role") == "user" and "name" not in m for m in named)


def _accumulated_call_split(outcome: Any) -> bool:
    """The call accumulated from the async stream ends as more than one call, one of
    them nameless."""
    steps = outcome.get("async") if isinstance(outcome, dict) else None
    last = steps[-1] if isinstance(steps, list) and steps else []
    return len(last) > 1 and any(c.get("name") == "" for c in last)


def _rendered_call_split(outcome: Any) -> bool:
    """The rendered run ran a nameless call ("is not a valid tool")."""
    return isinstance(outcome, list) and any("is not a valid tool" in line for line in outcome)


def _provider_strategy_tools(outcome: Any) -> list[Any] | None:
    """The `tools` member the `ProviderStrategy` run of docs_review_schemas first sent
    (None where it sent none)."""
    provider = outcome.get("provider") if isinstance(outcome, dict) else None
    offered = provider.get("offered") if isinstance(provider, dict) else None
    return offered.get("tools") if isinstance(offered, dict) else None


def _empty_tools_sent(outcome: Any) -> bool:
    """The `ProviderStrategy` agent with no tools sent `tools: []`."""
    return _provider_strategy_tools(outcome) == []


def _rating_untyped(outcome: Any) -> bool:
    """The review's `rating` (an `Optional[int]` between 1 and 5) went as a tool
    parameter with a description alone: no type, no bounds."""
    pydantic = outcome.get("pydantic") if isinstance(outcome, dict) else None
    tools = _function_tools(pydantic.get("offered")) if isinstance(pydantic, dict) else []
    ratings = [t["function"]["parameters"]["properties"].get("rating") for t in tools[:1]]
    return bool(ratings) and ratings[0] == {"description": "The rating of the product"}


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
DOCS_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        (scenario, "gemini"): Difference(
            "loses data",
            "langchain-google-genai declares each function in the OpenAPI subset "
            "(`parameters`), dropping the defaults of the tools page's WeatherInput (see "
            "pydantic_tool); chatplex sends `parametersJsonSchema`, the JSON Schema as given",
            _openapi_without_defaults,
        )
        for scenario in ("docs_tool_variants", "docs_review_schemas")
    },
    ("docs_review_schemas", "openai"): Difference(
        "rejected by provider",
        "langchain-openai sends `tools: []` for an agent with no tools answering by "
        "ProviderStrategy, which OpenAI refuses (400 \"Invalid 'tools': empty array. "
        'Expected an array with minimum length 1"); chatplex sends no tools',
        _empty_tools_sent,
    ),
    ("docs_review_schemas", "ollama"): Difference(
        "loses data",
        "langchain-ollama declares the review's `rating` (Optional[int], 1 to 5) by its "
        "description alone, its `anyOf` of an integer with bounds or null dropped on the "
        "way through the ollama SDK's Tool model; chatplex sends the schema's `anyOf`",
        _rating_untyped,
    ),
    ("docs_tool_variants", "ollama"): Difference(
        "loses data",
        "langchain-ollama sends the tools without their defaults (WeatherInput's `units` "
        "and `include_forecast`; see pydantic_tool); chatplex sends them",
        _tool_defaults_dropped,
    ),
    **ollama_unnamed_results("docs_message_lifecycle", "docs_dynamic_agent"),
    ("docs_message_lifecycle", "groq"): Difference(
        "loses data",
        "langchain-groq sends a user message without the `name` the script gave it "
        '(HumanMessage(..., name="alice")): it reads a name from additional_kwargs only, '
        "and Groq's Chat Completions take a participant's `name` "
        "(console.groq.com/docs/api-reference#chat-create); chatplex sends it",
        _user_name_dropped,
    ),
    ("docs_tool_chunks", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool call splits apart (see "
        "agent_stream_messages): accumulated chunk by chunk, the one call becomes two, "
        "the second nameless, and neither has the arguments; chatplex keeps it whole",
        _accumulated_call_split,
    ),
    ("docs_stream_render", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool call splits apart (see "
        "agent_stream_messages): the agent runs a nameless call ('is not a valid tool') "
        "and the weather call without arguments; chatplex keeps the call whole",
        _rendered_call_split,
    ),
}


test_docs_script = family_test(SCENARIOS, SCRIPT_WIRES, differences=DOCS_DIFFERENCES)
