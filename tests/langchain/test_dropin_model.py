"""`DropInChatModel`, every drop-in's LangChain base class: its constructor builds the
engine (its checks and refusals, LangChain's own settings kept), and it answers, streams,
shows and counts as the partner class does. How it is serialized and reported:
`test_dropin_serialized.py`."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from _dropinkit import Person
from _dropinkit import llm
from _lckit import BEDROCK_CREDENTIALS
from _lckit import MODELS as SUITE_MODELS
from _lckit import UNIT_BASE_URL
from _lckit import base_url
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from pydantic import BaseModel
from test_dropin_serialized import _KEY

from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatGroq
from chatplex.langchain import ChatOpenAI


def test_the_engines_checks_and_refusals_apply() -> None:
    with pytest.raises(TypeError, match=r"did you mean 'temperature'"):
        ChatOpenAI(model="m", api_key="k", temprature=1)
    with pytest.raises(TypeError, match="no SDK client"):
        ChatOpenAI(model="m", api_key="k", client=object())
    with pytest.raises(TypeError, match="model='a' and model_name='b'"):
        ChatAnthropic(model="a", model_name="b", api_key="k")


def test_a_scripts_subclass_keeps_its_own_fields() -> None:
    # As on a subclass of langchain-openai's ChatOpenAI: the subclass's own fields are
    # pydantic's, not the engine's settings (the engine refused `suffix` as unknown).
    class Suffixed(ChatOpenAI):
        suffix: str = "!"

        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            result = super()._generate(*args, **kwargs)
            result.generations[0].message.content += self.suffix
            return result

    model = Suffixed(
        model="gpt-4o-mini", base_url=base_url("openai"), api_key="sk-secret-123", suffix="!!"
    )
    assert model.suffix == "!!" and "suffix" not in model.chatplex_settings  # (not sent)
    assert model.invoke("hi").content == "Echo: hi!!"
    assert Suffixed(model="m", api_key="k").suffix == "!"
    with pytest.raises(TypeError, match=r"did you mean 'temperature'"):
        Suffixed(model="m", api_key="k", temprature=1)


def test_langchains_own_settings_stay_langchains() -> None:
    handler_calls: list[str] = []

    from langchain_core.callbacks import BaseCallbackHandler

    class Handler(BaseCallbackHandler):
        def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
            handler_calls.append("start")

    model = llm("openai", callbacks=[Handler()], tags=["t"], streaming=True)
    assert model.streaming is True and model.tags == ["t"]
    assert model.chatplex_model.streaming is False  # LangChain streams on invoke itself
    assert model.invoke("hi").content == "Echo: hi"
    assert handler_calls == ["start"]


def test_streaming_reaches_an_engine_whose_request_it_shapes() -> None:
    from chatplex.langchain import ChatVertexAI

    def vertex(**options: Any) -> Any:
        return ChatVertexAI(model="gemini-2.5-flash", api_key="k", **options)

    assert vertex(streaming=True).chatplex_model.streaming is True
    assert "candidate_count" not in vertex(streaming=True).chatplex_model.extra_body
    assert vertex().chatplex_model.extra_body["candidate_count"] == 1


def test_a_profile_given_reaches_an_engine_that_reads_it() -> None:
    # langchain-aws reads `reasoning_effort`'s levels from the `profile` field: the engine
    # is given it too, while it stays LangChain's (not among the partner's kwargs).
    from langchain_core.load import dumpd

    from chatplex.langchain import ChatBedrockConverse

    levels = {"reasoning_effort_levels": ["low"]}
    settings = {"model": "us.anthropic.claude-sonnet-4-6", **BEDROCK_CREDENTIALS}
    model = ChatBedrockConverse(**settings, profile=levels, reasoning_effort="low")
    assert model.profile == levels
    assert "profile" not in dumpd(model)["kwargs"]
    with pytest.raises(ValueError, match=r"Valid values: \['low'\]"):
        ChatBedrockConverse(**settings, profile=levels, reasoning_effort="high")
    assert llm("openai", profile=levels).profile == levels  # an engine without: LangChain's


async def test_streaming_chooses_nothing_where_the_partner_has_no_such_field() -> None:
    # langchain-ollama's ChatOllama drops a `streaming` keyword, and LangChain's
    # configurable fields rebuild a model with every field given (streaming=False too):
    # its stream stayed one invoke's reply, the partner's streams piece by piece.
    from langchain_core.runnables import ConfigurableField

    from chatplex.langchain import ChatOllama

    model = ChatOllama(model="llama3.2", base_url=base_url("ollama"), streaming=False)
    assert "streaming" not in model.model_fields_set
    configurable = model.configurable_fields(temperature=ConfigurableField(id="temperature"))
    set_per_call = configurable.with_config(configurable={"temperature": 0.3})
    pieces = list(set_per_call.stream("hello there"))
    apieces = [p async for p in set_per_call.astream("hello there")]
    for streamed in (pieces, apieces):
        assert len(streamed) > 1 and all(isinstance(p, AIMessageChunk) for p in streamed)


# ---- structured output's methods ---------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "sent"),
    [
        (None, "json_schema"),
        ("json_schema", "json_schema"),
        ("json_mode", "json_object"),
        ("function_calling", None),
    ],
)
def test_structured_output_methods_send_langchain_openais_request(
    method: str | None, sent: str | None
) -> None:
    from chatplex.testing import ChatMock

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k")
    with ChatMock() as mock:
        if sent is None:
            mock.openai.reply_tool_call("Person", {"name": "Ada", "age": 36})
        else:
            mock.openai.reply_text('{"name": "Ada", "age": 36}')
        person = model.with_structured_output(Person, method=method).invoke("Ada, 36")
        body = mock.openai.last_request
    assert person == Person(name="Ada", age=36)
    if sent is None:
        assert [t["function"]["name"] for t in body["tools"]] == ["Person"]
        assert "response_format" not in body
    else:
        assert body["response_format"]["type"] == sent
    if sent == "json_schema":
        assert body["response_format"]["json_schema"]["name"] == "Person"
        assert set(body["response_format"]["json_schema"]["schema"]["properties"]) == {
            "name",
            "age",
        }


class Household(BaseModel):
    """People under one roof."""

    head: Person
    members: list[Person]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_structured_tool_declares_nested_models_inline_as_langchain_does(sync: bool) -> None:
    """`with_structured_output(method="function_calling")` sends the class as LangChain's
    `convert_to_openai_tool` declares it (nested models inlined, no `$defs`), as
    langchain-openai and the drop-in's own `bind_tools` do."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from chatplex.testing import ChatMock

    structured = ChatOpenAI(model="gpt-4o-mini", api_key="k").with_structured_output(
        Household, method="function_calling"
    )
    ada = {"name": "Ada", "age": 36}
    with ChatMock() as mock:
        mock.openai.reply_tool_call("Household", {"head": ada, "members": [ada]})
        home = structured.invoke("Ada's") if sync else await structured.ainvoke("Ada's")
        sent = mock.openai.last_request["tools"][0]["function"]
    assert home == Household(head=Person(**ada), members=[Person(**ada)])
    assert sent["parameters"] == convert_to_openai_tool(Household)["function"]["parameters"]
    assert "$defs" not in str(sent)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_structured_output_include_raw_and_anthropics_json_schema(sync: bool) -> None:
    structured = llm("anthropic").with_structured_output(
        Person, method="json_schema", include_raw=True
    )
    out = structured.invoke("Ann") if sync else await structured.ainvoke("Ann")
    assert set(out) == {"raw", "parsed", "parsing_error"}
    assert isinstance(out["raw"], AIMessage) and isinstance(out["parsed"], Person)
    assert out["parsing_error"] is None
    with pytest.raises(ValueError, match="method must be one of"):
        llm("openai").with_structured_output(Person, method="xml")
    with pytest.raises(ValueError, match="Argument `strict` is not supported"):
        llm("openai").with_structured_output(Person, method="json_mode", strict=True)
    # langchain-openai's own keyword: tools bound beside a json_schema format (none here)
    llm("openai").with_structured_output(Person, method="json_schema", tools=[])
    with pytest.raises(TypeError, match="unexpected arguments"):
        llm("openai").with_structured_output(Person, method="json_schema", colour="red")


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_n_candidates_are_generations_as_in_langchain_openai(sync: bool) -> None:
    from langchain_core.messages import HumanMessage

    model = llm("openai", n=2)
    prompts = [[HumanMessage("first")], [HumanMessage("second")]]
    result = model.generate(prompts) if sync else await model.agenerate(prompts)
    assert [[g.text for g in row] for row in result.generations] == [
        ["Echo: first", "Echo: first"],
        ["Echo: second", "Echo: second"],
    ]
    first = result.generations[0][0].message
    assert "other_candidates" not in first.response_metadata


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_chatplex_cache_is_the_engines(sync: bool) -> None:
    # LangChain's `cache` field takes only LangChain's caches: chatplex's goes to the engine.
    from chatplex import InMemoryCache
    from chatplex.testing import MockServer

    cache = InMemoryCache()
    with MockServer() as server:
        model = ChatOpenAI(
            model="gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test", cache=cache
        )
        assert model.chatplex_model.cache is cache and model.cache is None
        for _ in range(2):
            reply = model.invoke("hi") if sync else await model.ainvoke("hi")
            assert reply.text == "Echo: hi"
        assert server.stats.requests == 1 and len(cache) == 1


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_skips_chatplexs_process_wide_cache(
    sync: bool, chatplex_llm_cache: Any
) -> None:
    # Under `set_llm_cache` (LangChain's name) a drop-in streams as its partner class:
    # LangChain's `stream()` skips every cache and files nothing, while an invoke, even
    # one streaming underneath (`streaming=True`), is answered from it.
    from chatplex.testing import MockServer

    with MockServer() as server:
        model = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
        streaming = model.model_copy(update={"streaming": True})
        if sync:
            replies = [model.invoke("hi"), streaming.invoke("hi")]
            pieces = list(model.stream("hi"))
        else:
            replies = [await model.ainvoke("hi"), await streaming.ainvoke("hi")]
            pieces = [p async for p in model.astream("hi")]
        assert [r.text for r in replies] == ["Echo: hi"] * 2
        assert "".join(p.text for p in pieces) == "Echo: hi" and len(pieces) > 2
        assert server.stats.requests == 2 and len(chatplex_llm_cache) == 1


def test_a_count_the_partner_leaves_to_langchain_is_langchains() -> None:
    """An engine that does not count as its partner (`langchain_counts_messages` False):
    LangChain's own count runs, with LangChain's settings (`custom_get_token_ids`)."""
    from langchain_core.messages import HumanMessage
    from langchain_ollama import ChatOllama as PartnerOllama

    from chatplex.langchain import ChatOllama

    said = [HumanMessage("one two three"), AIMessage("four")]
    words = {"custom_get_token_ids": lambda text: text.split(), "model": "llama3.2"}
    expected = PartnerOllama(**words).get_num_tokens_from_messages(said)
    assert ChatOllama(**words).get_num_tokens_from_messages(said) == expected == 6
    with pytest.raises(TypeError):  # LangChain's signature: no keywords to send
        ChatOllama(**words).get_num_tokens_from_messages(said, colour="red")
    odd: Any = [("user", "hi")]  # not a message: what LangChain's count raises, unchanged
    with pytest.raises(Exception) as partner:  # noqa: PT011 - the class is the outcome
        PartnerOllama(**words).get_num_tokens_from_messages(odd)
    with pytest.raises(type(partner.value), match=re.escape(str(partner.value))):
        ChatOllama(**words).get_num_tokens_from_messages(odd)


@pytest.mark.filterwarnings("ignore")  # the partner's own
@pytest.mark.parametrize(
    "settings",
    [{}, {"temperature": 0.5, "stop": ["a"]}, {"num_predict": 7, "max_retries": 2}],
    ids=["bare", "set", "partner_names"],
)
def test_an_unserialized_partners_repr_is_the_partners(settings: dict[str, Any]) -> None:
    # LangChain writes a class it does not serialize as its repr (`dumpd`'s "repr"):
    # the drop-in's shows the partner's fields set to other than the partner's defaults
    # (no `model_kwargs` langchain-ollama lacks, no engine default `max_retries=2`).
    from langchain_core.load import dumpd

    import chatplex.langchain

    partner_class = pytest.importorskip("langchain_ollama").ChatOllama
    params = {"model": "llama3.2", "base_url": UNIT_BASE_URL}
    # `max_retries` is chatplex's own there (langchain-ollama has no such field).
    theirs = {k: v for k, v in settings.items() if k in partner_class.model_fields}
    dropin, partner = (
        chatplex.langchain.ChatOllama(**params, **settings),
        partner_class(**params, **theirs),
    )
    assert repr(dropin) == repr(partner)
    assert dumpd(dropin)["repr"] == dumpd(partner)["repr"]


def test_a_drop_ins_repr_measures_its_settings_by_the_partners_defaults() -> None:
    # ChatGroq's temperature defaults to 0.7 there: shown only when set otherwise, under
    # the partner's field names (`model_name`), a key masked.
    bare = repr(ChatGroq(model="m", api_key=_KEY, base_url=UNIT_BASE_URL))
    assert "model_name='m'" in bare and "temperature" not in bare and _KEY not in bare
    assert "temperature=0.2" in repr(ChatGroq(model="m", api_key=_KEY, temperature=0.2))
    url = f"{UNIT_BASE_URL}?api-key={_KEY}"
    assert _KEY not in repr(ChatGroq(model="m", api_key=_KEY, base_url=url))


def test_streaming_is_ignored_where_the_partner_has_no_such_field() -> None:
    # langchain-ollama's ChatOllama has no `streaming` field and drops the keyword: an
    # invoke stays its _generate (which streams underneath), not LangChain's _stream.
    import chatplex.langchain

    ollama = chatplex.langchain.ChatOllama(model="llama3.2", streaming=True)
    assert "streaming" not in ollama.model_fields_set and ollama.streaming is False
    assert "streaming" not in repr(ollama)
    for async_api in (False, True):
        assert ollama._should_stream(async_api=async_api) is False
    # A partner with the field keeps it as given.
    groq = chatplex.langchain.ChatGroq(model="m", api_key=_KEY, streaming=True)
    assert groq.streaming is True and groq._should_stream(async_api=False) is True


@pytest.mark.filterwarnings("ignore")  # the partner's own
@pytest.mark.parametrize("settings", [{}, {"streaming": True}, {"streaming": False}])
def test_streaming_reads_and_serializes_as_the_partners(settings: dict[str, Any]) -> None:
    # langchain-google-genai's `streaming` defaults to None (LangChain's: False): not
    # given, it reads None and is not written; a given False is written, as there.
    from langchain_core.load import dumpd

    import chatplex.langchain

    partner_class = pytest.importorskip("langchain_google_genai").ChatGoogleGenerativeAI
    params = {"model": "gemini-2.5-flash", "api_key": _KEY, **settings}
    dropin, partner = chatplex.langchain.ChatGoogleGenerativeAI(**params), partner_class(**params)
    assert dropin.streaming == partner.streaming
    assert dumpd(dropin)["kwargs"] == dumpd(partner)["kwargs"]
    for async_api in (False, True):
        assert dropin._should_stream(async_api=async_api) == partner._should_stream(
            async_api=async_api
        )


class _Remark(BaseModel):
    """A remark, its mood optional (what `strict=` would make required)."""

    text: str
    mood: str | None = None


@pytest.mark.parametrize("sync", [True, False])
async def test_function_calling_drops_strict_where_the_partner_drops_it(sync: bool) -> None:
    # langchain-xai's with_structured_output sets strict=None for function calling, and
    # langchain-aws's ChatBedrock binds it to a bind_tools that ignores it: the tool goes
    # as without it (`Adapter.strict_dropped`); langchain-openai's tool is made strict.
    from chatplex.langchain import ChatBedrock
    from chatplex.langchain import ChatXAI
    from chatplex.testing import MockServer

    bodies: list[dict[str, Any]] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        models = (
            ChatXAI(model="grok-4", base_url=server.url, api_key="k"),
            ChatBedrock(
                model=SUITE_MODELS["bedrock"], endpoint_url=server.url, **BEDROCK_CREDENTIALS
            ),
            ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k"),
        )
        for model in models:
            # (ChatBedrock warns as langchain-aws's does, tests/langchain/test_tool_binding)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "The 'strict' parameter", UserWarning)
                structured = model.with_structured_output(
                    _Remark, method="function_calling", strict=True, include_raw=True
                )
            _ = structured.invoke("hi") if sync else await structured.ainvoke("hi")
    xai, bedrock, openai = bodies
    dropped = xai["tools"][0]["function"]
    assert "strict" not in dropped and dropped["parameters"]["required"] == ["text"]
    ignored = bedrock["tools"][0]
    assert "strict" not in ignored and ignored["input_schema"]["required"] == ["text"]
    made = openai["tools"][0]["function"]
    assert made["strict"] is True and made["parameters"]["required"] == ["text", "mood"]
