"""`ChatChatplex.with_structured_output` follows the chatplex model underneath: the
default method is its adapter's (Ollama's and Perplexity's "json_schema", as neither can
force a tool), LangChain's methods by name, and no combination that gives a silent
`None` -- over the embedded mock server, sync and async, invoke and stream."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel
from pydantic import Field
from typing_extensions import TypedDict

import chatplex
import chatplex.langchain
from chatplex.chat import init_chat_model
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatOpenAI
from chatplex.langchain.parsed_key import ClassFormat
from chatplex.langchain.structured import call_format
from chatplex.langchain.structured import default_method
from chatplex.testing import MockServer
from tests._dropins import engine
from tests._recorded import SENT
from tests._recorded import clear_sent  # noqa: F401 (autouse: SENT emptied)
from tests._recorded import recording_server  # noqa: F401 (the fixture "server")

ChatplexOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)


class Joke(BaseModel):
    """A joke."""

    setup: str = Field(description="the question")
    punchline: str = Field(description="the answer")


class JokeDict(TypedDict):
    """A joke."""

    setup: str
    punchline: str


def ollama(server: MockServer) -> ChatChatplex:
    return ChatChatplex(model="ollama:llama3.2", base_url=server.url)


def perplexity(server: MockServer) -> ChatChatplex:
    return ChatChatplex(model="perplexity:sonar", base_url=server.url, api_key="pplx-mock")


async def run(runnable: Any, sync: bool, mode: str, text: str) -> Any:
    """The runnable's result for `text`: invoked, or the last value streamed."""
    if mode == "invoke":
        return runnable.invoke(text) if sync else await runnable.ainvoke(text)
    values = list(runnable.stream(text)) if sync else [v async for v in runnable.astream(text)]
    assert values, "the stream gave nothing"
    return values[-1]


def test_the_default_method_is_the_chatplex_models() -> None:
    base = {"api_key": "k", "base_url": "http://127.0.0.1:9"}
    assert default_method(init_chat_model("ollama:llama3.2", **base)) == "json_schema"
    assert default_method(init_chat_model("perplexity:sonar", **base)) == "json_schema"
    assert default_method(init_chat_model("openai:gpt-4o-mini", **base)) == "json_schema"
    assert default_method(init_chat_model("groq:llama-3.1-8b-instant", **base)) == (
        "function_calling"
    )
    assert default_method(ChatplexOpenAI(model="gpt-4o-mini", **base)) == "json_schema"
    assert default_method(object()) == "function_calling"  # LangChain's, for anything else


def test_a_partner_warning_points_at_the_callers_line_in_either_family() -> None:
    # langchain-openai's warning for json_schema on a model without Structured Outputs:
    # the drop-in's engine gives it, one frame deeper under LangChain's class.
    import warnings

    for cls in (ChatOpenAI, ChatplexOpenAI):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            cls(model="gpt-4", api_key="k").with_structured_output(Joke, method="json_schema")
        assert [w.filename for w in seen if "Cannot use method" in str(w.message)] == [__file__]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_ollama_defaults_to_its_format_field(
    server: MockServer, sync: bool, mode: str
) -> None:
    joke = await run(ollama(server).with_structured_output(Joke), sync, mode, "a joke")
    assert isinstance(joke, Joke) and joke.setup and joke.punchline
    path, body = SENT[-1]
    assert path == "/api/chat"
    assert body["format"]["properties"].keys() == {"setup", "punchline"}
    assert body["tools"] == []  # no tool offered: the ollama SDK's empty list


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_ollama_json_mode_and_typeddict(server: MockServer, sync: bool) -> None:
    # json_mode asks for any JSON (Ollama's format "json"); the mock echoes, so the
    # reply is given by its header.
    structured = ChatChatplex(
        model="ollama:llama3.2",
        base_url=server.url,
        default_headers={"x-mock-reply": '{"setup": "a", "punchline": "b"}'},
    ).with_structured_output(JokeDict, method="json_mode")
    value = structured.invoke("JSON") if sync else await structured.ainvoke("JSON")
    assert value == {"setup": "a", "punchline": "b"}
    assert SENT[-1][1]["format"] == "json"


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_ollama_takes_a_json_schema_without_a_title_as_given(
    server: MockServer, sync: bool
) -> None:
    # langchain-ollama binds the dict as `format` (no name needed; LangChain's run
    # traces no format for it); a wire that names its schema refuses it (ValueError,
    # as convert_to_openai_tool).
    untitled = {"type": "object", "properties": {"setup": {"type": "string"}}}
    traced: list[Any] = []
    structured = ChatChatplex(
        model="ollama:llama3.2",
        base_url=server.url,
        default_headers={"x-mock-reply": '{"setup": "a"}'},
    ).with_structured_output(untitled)
    config: Any = {"callbacks": [_TracedFormat(traced)]}
    got = structured.invoke("JSON", config) if sync else await structured.ainvoke("JSON", config)
    assert got == {"setup": "a"}
    assert SENT[-1][1]["format"] == untitled
    assert traced == [{"stop": None}]
    with pytest.raises(ValueError):
        ChatChatplex(model="openai:gpt-4o-mini", api_key="k").with_structured_output(
            untitled, method="json_schema"
        )


class _TracedFormat(BaseCallbackHandler):
    """Records the options (`ls_structured_output_format`...) of each chat model run."""

    def __init__(self, traced: list[Any]) -> None:
        self.traced = traced

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.traced.append(kwargs.get("options"))


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_ollama_function_calling_without_the_call_raises_never_none(
    server: MockServer, sync: bool, mode: str
) -> None:
    structured = ollama(server).with_structured_output(Joke, method="function_calling")
    with pytest.raises(OutputParserException, match="cannot force a tool call"):
        await run(structured, sync, mode, "a joke")
    body = SENT[-1][1]
    assert [t["function"]["name"] for t in body["tools"]] == ["Joke"]  # offered, not forced


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_ollama_function_calling_when_the_model_calls_the_tool(
    server: MockServer, sync: bool, mode: str
) -> None:
    structured = ollama(server).with_structured_output(JokeDict, method="function_calling")
    value = await run(structured, sync, mode, "use the tool to tell a joke")
    assert value == {"setup": "x", "punchline": "x"}  # the mock's example arguments


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_ollama_include_raw_keeps_the_error(server: MockServer, sync: bool) -> None:
    structured = ollama(server).with_structured_output(
        Joke, method="function_calling", include_raw=True
    )
    out = structured.invoke("a joke") if sync else await structured.ainvoke("a joke")
    assert out["parsed"] is None and isinstance(out["parsing_error"], OutputParserException)
    assert out["raw"].content == "Echo: a joke"
    fitted = ollama(server).with_structured_output(Joke, include_raw=True)
    out = fitted.invoke("a joke") if sync else await fitted.ainvoke("a joke")
    assert isinstance(out["parsed"], Joke) and out["parsing_error"] is None


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_ollama_dropin_without_the_call_gives_none_as_langchain_ollama(
    server: MockServer, sync: bool, mode: str
) -> None:
    # Under LangChain's name, its parser's outcome: parsed None and no error (every
    # partner's function_calling parser is first_tool_only; the raw reply is kept).
    import chatplex

    dropin = chatplex.langchain.ChatOllama(model="llama3.2", base_url=server.url)
    structured = dropin.with_structured_output(Joke, method="function_calling", include_raw=True)
    if mode == "invoke":
        out = structured.invoke("a joke") if sync else await structured.ainvoke("a joke")
    else:  # LangChain streams each key apart; a parser that yields nothing, no "parsed"
        parts = (
            list(structured.stream("a joke"))
            if sync
            else [p async for p in structured.astream("a joke")]
        )
        assert [list(part) for part in parts] == [["raw"], ["parsing_error"]]
        out = {**parts[0], **parts[1]}
    assert out.get("parsed") is None and out["parsing_error"] is None
    assert out["raw"].content == "Echo: a joke"
    assert [t["function"]["name"] for t in SENT[-1][1]["tools"]] == ["Joke"]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_perplexity_structured_output_is_its_response_format(
    server: MockServer, sync: bool, mode: str
) -> None:
    joke = await run(perplexity(server).with_structured_output(Joke), sync, mode, "a joke")
    assert isinstance(joke, Joke)
    path, body = SENT[-1]
    assert path == "/chat/completions"
    assert body["response_format"]["type"] == "json_schema"
    # langchain-perplexity's shape: the schema alone, named by its title.
    assert list(body["response_format"]["json_schema"]) == ["schema"]
    assert body["response_format"]["json_schema"]["schema"]["title"] == "Joke"
    assert "tools" not in body


def test_perplexity_function_calling_is_refused_at_once(server: MockServer) -> None:
    with pytest.raises(ValueError, match=r"Perplexity takes no tools.*'json_schema'"):
        perplexity(server).with_structured_output(Joke, method="function_calling")
    assert SENT == []


def test_the_openai_wire_defaults_to_json_schema_and_forces_a_tool_when_asked(
    server: MockServer,
) -> None:
    llm = ChatChatplex(model="openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
    joke = llm.with_structured_output(Joke, method="function_calling").invoke("a joke")
    assert isinstance(joke, Joke)
    body = SENT[-1][1]
    assert body["tool_choice"] == "required" and "response_format" not in body
    as_schema = llm.with_structured_output(Joke).invoke("a joke")  # langchain-openai's default
    assert isinstance(as_schema, Joke)
    assert SENT[-1][1]["response_format"]["json_schema"]["strict"] is True  # langchain-openai's


def test_bad_combinations_are_clear_errors(server: MockServer) -> None:
    llm = ollama(server)
    with pytest.raises(ValueError, match="method must be one of"):
        llm.with_structured_output(Joke, method="xml")
    # langchain-openai's words, where it raises them (langchain-ollama drops strict=:
    # test_strict_beside_json_mode_is_dropped_where_the_partner_drops_it)
    openai = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
    with pytest.raises(ValueError, match="^Argument `strict` is not supported with `method`="):
        openai.with_structured_output(Joke, method="json_mode", strict=True)
    with pytest.raises(ValueError, match="needs a schema"):
        llm.with_structured_output(None)
    with pytest.raises(TypeError, match="unexpected arguments"):
        llm.with_structured_output(Joke, tools=[])
    with pytest.raises(ValueError, match="unsupported arguments"):
        llm.with_structured_output(Joke, method="function_calling", tools=[])
    assert SENT == []


#: What LangChain's agents' ProviderStrategy binds on every model (OpenAI's shape).
AGENT_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Joke", "schema": Joke.model_json_schema()},
}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_an_agents_response_format_is_the_wires_own_field(
    server: MockServer, sync: bool
) -> None:
    """Anthropic takes no `response_format`: it goes as `output_config.format`, merged
    into the call's own output_config (as langchain-anthropic moves it), not a TypeError."""
    llm = ChatChatplex(model="anthropic:claude-haiku-4-5", base_url=server.url, api_key="k")
    bound = llm.bind_tools([], response_format=AGENT_FORMAT, output_config={"effort": "low"})
    reply = bound.invoke("a joke") if sync else await bound.ainvoke("a joke")
    assert reply.content
    path, body = SENT[-1]
    assert path == "/v1/messages"
    assert "response_format" not in body
    assert body["output_config"]["effort"] == "low"
    fmt = body["output_config"]["format"]
    assert fmt["type"] == "json_schema"
    assert fmt["schema"]["properties"].keys() == {"setup", "punchline"}
    assert fmt["schema"]["additionalProperties"] is False  # the anthropic SDK's transform
    assert "parsed" not in reply.additional_kwargs  # langchain-anthropic's has none


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_response_format_reply_carries_parsed_where_the_partners_does(
    server: MockServer, sync: bool
) -> None:
    """langchain-openai's reply to a call with `response_format` has `parsed` (None for a
    format given as a dict); its reply to a plain call has none, and neither has Groq's."""
    openai = ChatChatplex(model="openai:gpt-4o-mini", base_url=server.url, api_key="k")
    groq = ChatChatplex(model="groq:llama-3.1-8b-instant", base_url=server.url, api_key="k")
    for llm, carried in ((openai, True), (groq, False)):
        bound = llm.bind_tools([], response_format=AGENT_FORMAT)
        reply = bound.invoke("a joke") if sync else await bound.ainvoke("a joke")
        assert SENT[-1][1]["response_format"] == AGENT_FORMAT  # sent as given
        assert ("parsed" in reply.additional_kwargs) is carried
        if carried:
            assert reply.additional_kwargs["parsed"] is None
        plain = llm.invoke("hi") if sync else await llm.ainvoke("hi")
        assert "parsed" not in plain.additional_kwargs


@pytest.mark.parametrize(
    "cls", [chatplex.langchain.ChatOpenAI, ChatplexOpenAI], ids=["dropin", "lean"]
)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_the_responses_api_s_raw_reply_carries_parsed_only_with_the_object(
    server: MockServer, sync: bool, cls: Any
) -> None:
    """langchain-openai's Responses path sets `additional_kwargs["parsed"]` only where it
    parsed something: the pydantic object (json_schema with a class), or a dict schema's
    JSON (read from the text of a response echoing a json_schema format); JSON mode
    leaves the key out (its Chat Completions path writes None there)."""
    llm = cls(
        model="gpt-4.1-mini", base_url=server.openai_base_url, api_key="k", use_responses_api=True
    )

    async def raw(schema: Any, method: str) -> Any:
        structured = llm.with_structured_output(schema, method=method, include_raw=True)
        out = structured.invoke("a joke") if sync else await structured.ainvoke("a joke")
        return out["raw"].additional_kwargs

    keyed = await raw(Joke, "json_schema")
    assert isinstance(keyed["parsed"], Joke)
    assert "parsed" not in await raw(Joke, "json_mode")
    as_dict = await raw(Joke.model_json_schema(), "json_schema")
    assert as_dict["parsed"].keys() == {"setup", "punchline"}  # the JSON, as a dict
    assert "parsed" not in await raw(Joke.model_json_schema(), "json_mode")


# ---- a response_format given as a pydantic class (langchain-openai's binding) -------------


class _City(BaseModel):
    city: str
    degrees: int


def test_a_class_bound_as_response_format_is_sent_as_its_json_schema() -> None:
    engine = ChatOpenAI(model="gpt-4o-mini", api_key="sk-1").chatplex_model
    settings: dict[str, Any] = {"response_format": _City}
    call_format(engine, settings)
    given = settings["response_format"]
    assert isinstance(given, ClassFormat) and given.schema is _City
    assert given["type"] == "json_schema" and given["json_schema"]["name"] == "_City"
    assert given["json_schema"]["schema"]["required"] == ["city", "degrees"]
    # Off the OpenAI family (no `parsed` on its replies): as each wire's partner reads a
    # class -- its schema in the wire's own settings (langchain-anthropic's), or left for
    # the wire to ignore with its partner's warning (langchain-ollama's).
    anthropic = ChatAnthropic(model="claude-x", api_key="sk-1").chatplex_model
    other: dict[str, Any] = {"response_format": _City, "output_config": {"effort": "low"}}
    call_format(anthropic, other)
    assert "response_format" not in other and other["output_config"]["effort"] == "low"
    assert other["output_config"]["format"]["schema"]["required"] == ["city", "degrees"]
    ollama = chatplex.langchain.ChatOllama(model="llama3.2").chatplex_model
    left: dict[str, Any] = {"response_format": _City}
    call_format(ollama, left)
    assert left == {"response_format": _City}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_class_format_off_the_openai_family_is_sent_as_the_partners_send_it(
    server: MockServer, sync: bool
) -> None:
    from langchain_anthropic.chat_models import _convert_to_anthropic_output_config_format

    made = {
        "anthropic": ChatAnthropic(model="claude-haiku-4-5", api_key="k", base_url=server.url),
        "gemini": chatplex.langchain.ChatGoogleGenerativeAI(
            model="gemini-2.5-flash", api_key="k", base_url=server.url
        ),
        "ollama": chatplex.langchain.ChatOllama(model="llama3.2", base_url=server.url),
    }
    bodies = {}
    for wire, model in made.items():
        bound = model.bind(response_format=_City)
        with contextlib.ExitStack() as stack:
            if wire == "ollama":  # langchain-ollama's warning for a class there
                stack.enter_context(pytest.warns(UserWarning, match="Ignored invalid"))
            reply = bound.invoke("a city") if sync else await bound.ainvoke("a city")
        assert reply.content
        bodies[wire] = SENT[-1][1]
    # langchain-anthropic: the class's schema as output_config.format.
    expected = _convert_to_anthropic_output_config_format(_City)
    assert bodies["anthropic"]["output_config"]["format"] == expected
    # langchain-google-genai and langchain-ollama read only a dict: nothing is sent.
    config = bodies["gemini"].get("generationConfig", {})
    assert "responseJsonSchema" not in config and "responseMimeType" not in config
    assert "format" not in bodies["ollama"] and "response_format" not in bodies["ollama"]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_class_format_is_parsed_by_langchain_openais_lambda(
    server: MockServer, sync: bool
) -> None:
    """langchain-openai parses a pydantic class's `response_format` reply with a
    `RunnableLambda` reading `additional_kwargs["parsed"]`: streamed, the object comes
    once, after the whole reply, and the parsing run is a lambda's (its events too)."""
    llm = chatplex.langchain.ChatOpenAI(
        model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k"
    )
    structured = llm.with_structured_output(Joke)
    assert structured.last.get_name() == "RunnableLambda"
    if sync:
        pieces = list(structured.stream("a joke"))
    else:
        pieces = [p async for p in structured.astream("a joke")]
    assert len(pieces) == 1 and isinstance(pieces[0], Joke)


def test_a_class_bound_as_response_format_pickles_and_deep_copies(server: MockServer) -> None:
    # A script keeps a structured model (a worker's pickle, a deep copy per task); the
    # copies read the reply as the original does.
    import copy
    import pickle

    llm = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
    structured = llm.with_structured_output(Joke)
    for copied in (pickle.loads(pickle.dumps(structured)), copy.deepcopy(structured)):
        assert isinstance(copied.invoke("a joke"), Joke)


class Remark(BaseModel):
    """A remark, its mood optional (what `strict=` would make required)."""

    text: str
    mood: str | None = None


def _loose_and_strict(loose: tuple[dict[str, Any], ...], strict: dict[str, Any]) -> None:
    """Each of `loose` is Remark's json_schema as sent without `strict=` (mood optional,
    other keys allowed); `strict` is it made strict, every key required and none other."""
    for schema in loose:
        assert "strict" not in schema and schema["schema"]["required"] == ["text"]
        assert "additionalProperties" not in schema["schema"]
    assert strict["strict"] is True and strict["schema"]["required"] == ["text", "mood"]
    assert strict["schema"]["additionalProperties"] is False


@pytest.mark.parametrize("sync", [True, False])
async def test_strict_is_dropped_where_the_partner_drops_it(server: MockServer, sync: bool) -> None:
    # langchain-sambanova pops `strict=` and langchain-perplexity ignores it: their
    # json_schema goes as without it (`Adapter.strict_dropped`); langchain-openai's is
    # made strict, every key required and no other allowed.
    from chatplex.langchain import ChatSambaNova

    samba = ChatSambaNova(model="Meta-Llama-3.3-70B-Instruct", base_url=server.url, api_key="k")
    openai = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
    for llm in (samba, perplexity(server), openai):
        structured = llm.with_structured_output(
            Remark, method="json_schema", strict=True, include_raw=True
        )
        _ = structured.invoke("hi") if sync else await structured.ainvoke("hi")
    dropped, ignored, made = (body["response_format"]["json_schema"] for _, body in SENT)
    _loose_and_strict((dropped, ignored), made)


@pytest.mark.parametrize("sync", [True, False])
async def test_strict_beside_json_mode_is_dropped_where_the_partner_drops_it(
    server: MockServer, sync: bool
) -> None:
    # langchain-groq and -ollama ignore strict= in JSON mode and send the call
    # (langchain-openai raises before sending: test_bad_combinations_are_clear_errors).
    from chatplex.langchain import ChatGroq

    groq = ChatGroq(model="llama-3.3-70b-versatile", base_url=server.url, api_key="k")
    structured = groq.with_structured_output(
        None, method="json_mode", strict=True, include_raw=True
    )
    _ = structured.invoke("hi") if sync else await structured.ainvoke("hi")
    assert SENT[-1][1]["response_format"] == {"type": "json_object"}
    # So does langchain-ollama (it pops strict= whatever the method).
    structured = ollama(server).with_structured_output(
        None, method="json_mode", strict=True, include_raw=True
    )
    _ = structured.invoke("hi") if sync else await structured.ainvoke("hi")
    assert SENT[-1][1]["format"] == "json"


@pytest.mark.parametrize("sync", [True, False])
async def test_strict_by_json_schema_is_kept_only_on_the_models_the_partner_keeps_it(
    server: MockServer, sync: bool
) -> None:
    # langchain-groq keeps json_schema's strict=True only on its
    # _STRICT_STRUCTURED_OUTPUT_MODELS; on another model it goes as without it.
    from chatplex.langchain import ChatGroq

    for model in ("llama-3.3-70b-versatile", "openai/gpt-oss-20b"):
        groq = ChatGroq(model=model, base_url=server.url, api_key="k")
        structured = groq.with_structured_output(
            Remark, method="json_schema", strict=True, include_raw=True
        )
        _ = structured.invoke("hi") if sync else await structured.ainvoke("hi")
    dropped, kept = (body["response_format"]["json_schema"] for _, body in SENT[-2:])
    _loose_and_strict((dropped,), kept)


@pytest.mark.parametrize("sync", [True, False])
async def test_a_responses_stream_carries_the_parsed_object_on_its_last_piece(
    server: MockServer, sync: bool
) -> None:
    # langchain-openai's Responses stream reads the object from the finished response
    # into its last chunk, which its structured-output lambda reads (no parser run);
    # the drop-in's last piece had none. A Chat Completions drop-in's stream is the SDK
    # helper's (its own test); one without a response_format carries none.
    model = chatplex.langchain.ChatOpenAI(
        model="gpt-4.1-mini", base_url=server.openai_base_url, api_key="k", use_responses_api=True
    )
    bound = model.with_structured_output(Joke).first  # type: ignore[attr-defined]

    async def last(runnable: Any) -> Any:
        if sync:
            return list(runnable.stream("a joke"))[-1]
        return [c async for c in runnable.astream("a joke")][-1]

    found = (await last(bound)).additional_kwargs["parsed"]
    assert isinstance(found, Joke) and found.setup
    assert "parsed" not in (await last(model)).additional_kwargs
    # A dict schema's JSON too (langchain-openai reads the finished response's text).
    as_dict = model.with_structured_output(Joke.model_json_schema()).first  # type: ignore[attr-defined]
    assert (await last(as_dict)).additional_kwargs["parsed"].keys() == {"setup", "punchline"}
    json_mode = model.with_structured_output(None, method="json_mode").first  # type: ignore[attr-defined]
    assert "parsed" not in (await last(json_mode)).additional_kwargs


#: Drop-ins whose `with_structured_output` forces a tool call, with their partner class.
_FORCING_PARTNERS = [
    ("langchain_openai", "ChatOpenAI", "gpt-4o-mini", "function_calling"),
    ("langchain_anthropic", "ChatAnthropic", "claude-sonnet-4-5", None),
    ("langchain_groq", "ChatGroq", "llama-3.3-70b-versatile", None),
    ("langchain_mistralai", "ChatMistralAI", "mistral-large-latest", None),
    ("langchain_xai", "ChatXAI", "grok-3", None),
    ("langchain_aws", "ChatBedrockConverse", "anthropic.claude-3-5-sonnet-20240620-v1:0", None),
]


def _cache_key_and_params(
    model: Any, method: str | None, **more: Any
) -> tuple[str, dict[str, Any]]:
    named = {} if method is None else {"method": method}  # (None: the partner's default)
    binding = model.with_structured_output(Joke, **named, **more).first
    kwargs = {k: v for k, v in binding.kwargs.items() if k != "ls_structured_output_format"}
    key = binding.bound._get_llm_string(**kwargs).split("---")[1]
    params = binding.bound._get_invocation_params(**kwargs)
    return key, {k: params.get(k) for k in ("tools", "tool_choice", "parallel_tool_calls")}


@pytest.mark.parametrize(("package", "name", "model", "method"), _FORCING_PARTNERS)
def test_a_forced_tool_calls_cache_key_and_params_are_its_partners(
    package: str, name: str, model: str, method: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The drop-in's engine carries the forced tool, so LangChain's cache key and the
    # callbacks' invocation_params showed none of it: a structured call and a plain one
    # of the same prompt shared a cached reply (the structured one read back None). Both
    # now show the partner's bound tool and choice, as its `bind_tools` writes them.
    partner_module = pytest.importorskip(package)
    for var in ("OPENAI", "ANTHROPIC", "GROQ", "MISTRAL", "XAI"):
        monkeypatch.setenv(f"{var}_API_KEY", "k")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "k")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    partner = getattr(partner_module, name)(model=model)
    dropin = getattr(chatplex.langchain, name)(model=model)
    theirs, ours = _cache_key_and_params(partner, method), _cache_key_and_params(dropin, method)
    assert "'tools'" in theirs[0] and ours == theirs
    plain = dropin._get_llm_string().split("---")[1]
    assert plain != ours[0]


def test_a_strict_forced_tool_shows_the_strict_tool_its_partner_binds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # langchain-openai binds the class itself with strict=True: its tool is written
    # strict (additionalProperties false), which a tool dict given to bind_tools is not.
    langchain_openai = pytest.importorskip("langchain_openai")
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    partner = langchain_openai.ChatOpenAI(model="gpt-4o-mini")
    dropin = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini")
    theirs = _cache_key_and_params(partner, "function_calling", strict=True)
    ours = _cache_key_and_params(dropin, "function_calling", strict=True)
    assert "'strict': True" in theirs[0] and ours == theirs
