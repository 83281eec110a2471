"""Scripts that mix chatplex with LangChain at the border, as ported scripts do: chatplex
messages handed to LangChain's message utilities, parsers and chat histories; LangChain's
`@tool`s, retrievers, `ConfigurableField`, callbacks and custom events inside chatplex
chains; prompts. Each is a pure import swap (see compat_harness.port): a name chatplex
exports comes from chatplex, the rest stays LangChain's. A deep LangChain path
(`langchain_core.output_parsers.json`) marks an object a script keeps on purpose."""

from __future__ import annotations

from compat_harness import Case

_MODEL = """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini")
"""

#: The model in a RunnableWithMessageHistory (`chat`, its histories in `store`), and an
#: async `main` begun: a script adds its calls.
_IN_A_HISTORY = """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.runnables.history import RunnableWithMessageHistory

store = {}

async def main():
    get_history = lambda sid: store.setdefault(sid, InMemoryChatMessageHistory())
    chat = RunnableWithMessageHistory(model, get_history)
    config = {"configurable": {"session_id": "s"}}
"""

_JSON_MODEL = """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(
    model="gpt-4o-mini",
    default_headers={"x-mock-reply": '{"name": "Ada", "age": 36, "langs": ["en", "fr"]}'},
)
"""

_PERSON = """
from pydantic import BaseModel, Field

class Person(BaseModel):
    '''A person.'''
    name: str = Field(description="their name")
    age: int
"""

_TOOL = """
from langchain_core.tools import tool

@tool
def get_weather(city: str) -> str:
    '''Current weather for a city.'''
    return f"sunny in {city}"
"""

_RETRIEVER = """
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

class Shelf(BaseRetriever):
    def _get_relevant_documents(self, query, *, run_manager):
        return [Document(page_content=f"notes on {query}")]
"""


def _messages_case(name: str, body: str, **extra: object) -> Case:
    source = (
        _MODEL
        + """
from langchain_core.messages import (
    AIMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    convert_to_messages,
    filter_messages,
    get_buffer_string,
    merge_message_runs,
    message_to_dict,
    messages_from_dict,
    messages_to_dict,
    trim_messages,
)

def history():
    reply = model.invoke("hello there")
    return [SystemMessage("be brief"), HumanMessage("hello there"), reply, HumanMessage("again")]
"""
        + body
    )
    return Case(
        name, "pattern: LangChain's message utilities on chatplex messages", source, **extra
    )  # type: ignore[arg-type]


BORDER_CASES = [
    # ---- message utilities fed chatplex messages --------------------------------------
    _messages_case(
        "border_messages_to_dict",
        """
def main():
    dicts = messages_to_dict(history())
    return [[d["type"] for d in dicts], [d["data"]["content"] for d in dicts]]
""",
        order=True,
    ),
    _messages_case(
        "border_messages_dict_round_trip",
        """
def main():
    again = messages_from_dict(messages_to_dict(history()))
    return [again, model.invoke(again).content]
""",
    ),
    _messages_case(
        "border_message_to_dict",
        """
def main():
    return message_to_dict(model.invoke("one"))["data"]["content"]
""",
    ),
    _messages_case(
        "border_trim_messages_len",
        """
def main():
    trimmed = trim_messages(history(), max_tokens=2, token_counter=len, strategy="last")
    return [trimmed, model.invoke(trimmed).content]
""",
    ),
    _messages_case(
        "border_trim_messages_keep_system",
        """
from langchain_core.messages.utils import count_tokens_approximately

def main():
    return trim_messages(
        history(),
        max_tokens=20,
        token_counter=count_tokens_approximately,
        strategy="last",
        include_system=True,
        start_on="human",
    )
""",
    ),
    _messages_case(
        "border_trim_messages_runnable",
        """
def main():
    trimmer = trim_messages(max_tokens=3, token_counter=len, strategy="last")
    chain = trimmer | model
    return chain.invoke(history())
""",
    ),
    _messages_case(
        "border_filter_messages_types",
        """
def main():
    msgs = history()
    return [
        filter_messages(msgs, include_types=["human"]),
        filter_messages(msgs, exclude_types=[SystemMessage]),
    ]
""",
    ),
    _messages_case(
        "border_merge_message_runs",
        """
def main():
    msgs = [HumanMessage("one"), HumanMessage("two"), model.invoke("x"), AIMessage("more")]
    merged = merge_message_runs(msgs)
    return [merged, model.invoke(merged).content]
""",
    ),
    _messages_case(
        "border_convert_to_messages",
        """
def main():
    reply = model.invoke("hi")
    msgs = convert_to_messages([("system", "s"), {"role": "user", "content": "u"}, reply])
    return [msgs, model.invoke(msgs).content]
""",
    ),
    _messages_case(
        "border_get_buffer_string",
        """
def main():
    return get_buffer_string(history())
""",
    ),
    _messages_case(
        "border_message_pydantic_methods",
        """
def main():
    reply = model.invoke("hi")
    dumped = reply.model_dump()
    copy = reply.model_copy(update={"content": "changed"})
    again = AIMessage.model_validate({"content": "made"})
    as_json = reply.model_dump_json()
    return [dumped["type"], dumped["content"], copy.content, again, '"Echo: hi"' in as_json]
""",
    ),
    _messages_case(
        "border_tool_message_round_trip",
        """
def main():
    msgs = [HumanMessage("q"), AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "c1"}]),
            ToolMessage("42", tool_call_id="c1")]
    dicts = messages_to_dict(msgs)
    return [[d["type"] for d in dicts], messages_from_dict(dicts)[2].tool_call_id]
""",
    ),
    Case(
        "border_isinstance_base_message",
        "pattern: a LangChain helper that checks isinstance(x, BaseMessage)",
        _MODEL
        + """
from langchain_core.messages.base import BaseMessage

def main():
    reply = model.invoke("hi")
    chunks = list(model.stream("a b"))
    return [isinstance(reply, BaseMessage), isinstance(chunks[0], BaseMessage)]
""",
        order=True,
    ),
    # ---- LangChain's parsers after a chatplex model --------------------------------
    Case(
        "border_json_parser_invoke",
        "pattern: model | JsonOutputParser()",
        _JSON_MODEL
        + """
from langchain_core.output_parsers import JsonOutputParser

def main():
    return (model | JsonOutputParser()).invoke("a person as JSON")
""",
        order=True,
    ),
    Case(
        "border_json_parser_stream",
        "pattern: streaming model | JsonOutputParser()",
        _JSON_MODEL
        + """
from langchain_core.output_parsers import JsonOutputParser

def main():
    parts = list((model | JsonOutputParser()).stream("a person as JSON"))
    return [parts[-1], len(parts) > 1]
""",
    ),
    Case(
        "border_json_parser_astream",
        "pattern: astream of model | JsonOutputParser()",
        _JSON_MODEL
        + """
from langchain_core.output_parsers import JsonOutputParser

async def main():
    parts = [p async for p in (model | JsonOutputParser()).astream("a person as JSON")]
    return [parts[-1], len(parts) > 1]
""",
    ),
    Case(
        "border_json_parser_deep_import",
        "pattern: a kept LangChain JsonOutputParser (deep import) after a chatplex model",
        _JSON_MODEL
        + """
from langchain_core.output_parsers.json import JsonOutputParser

def main():
    chain = model | JsonOutputParser()
    return [chain.invoke("q"), list(chain.stream("q"))[-1]]
""",
        order=True,
    ),
    Case(
        "border_json_parser_on_reply",
        "pattern: a parser invoked on a reply the script already has",
        _JSON_MODEL
        + """
from langchain_core.output_parsers.json import JsonOutputParser

def main():
    return JsonOutputParser().invoke(model.invoke("q"))
""",
    ),
    Case(
        "border_pydantic_parser_prompt_chain",
        "pattern: prompt with format instructions | model | PydanticOutputParser",
        _JSON_MODEL
        + _PERSON
        + """
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.prompts import ChatPromptTemplate

parser = PydanticOutputParser(pydantic_object=Person)
prompt = ChatPromptTemplate.from_messages(
    [("system", "Answer as JSON.\\n{format_instructions}"), ("human", "{query}")]
).partial(format_instructions=parser.get_format_instructions())

def main():
    chain = prompt | model | parser
    return [chain.invoke({"query": "who?"}), list(chain.stream({"query": "who?"}))[-1]]
""",
    ),
    Case(
        "border_pydantic_parser_deep_import",
        "pattern: a kept LangChain PydanticOutputParser after a chatplex model",
        _JSON_MODEL
        + _PERSON
        + """
from langchain_core.output_parsers.pydantic import PydanticOutputParser

async def main():
    chain = model | PydanticOutputParser(pydantic_object=Person)
    return [await chain.ainvoke("who?"), [p async for p in chain.astream("who?")][-1]]
""",
    ),
    Case(
        "border_str_parser_deep_import",
        "pattern: a kept LangChain StrOutputParser after a chatplex model",
        _MODEL
        + """
from langchain_core.output_parsers.string import StrOutputParser

def main():
    chain = model | StrOutputParser()
    return [chain.invoke("one two"), "".join(chain.stream("one two"))]
""",
    ),
    Case(
        "border_tools_parser_deep_import",
        "pattern: bind_tools | LangChain's PydanticToolsParser",
        _MODEL
        + """
from pydantic import BaseModel
from langchain_core.output_parsers.openai_tools import JsonOutputToolsParser, PydanticToolsParser

class Weather(BaseModel):
    '''Weather in a city.'''
    city: str

def main():
    llm = model.bind_tools([Weather])
    return [
        (llm | PydanticToolsParser(tools=[Weather])).invoke("use the tool for Paris"),
        (llm | JsonOutputToolsParser()).invoke("use the tool for Paris"),
    ]
""",
    ),
    # ---- chat histories ----------------------------------------------------------------
    Case(
        "border_history_bare_model",
        "pattern: RunnableWithMessageHistory around a bare chat model",
        _MODEL
        + """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.messages import HumanMessage
from langchain_core.runnables.history import RunnableWithMessageHistory

store = {}

def main():
    get_history = lambda sid: store.setdefault(sid, InMemoryChatMessageHistory())
    chat = RunnableWithMessageHistory(model, get_history)
    config = {"configurable": {"session_id": "s"}}
    first = chat.invoke([HumanMessage("hi")], config)
    second = chat.invoke([HumanMessage("again")], config)
    return [first, second, store["s"].messages]
""",
        order=True,
    ),
    Case(
        "border_history_bare_model_tuples",
        "pattern: RunnableWithMessageHistory around a bare chat model, (role, text) input",
        _MODEL
        + _IN_A_HISTORY
        + """    first = chat.invoke([("human", "hi")], config)
    second = await chat.ainvoke([("human", "again")], config)
    text = "".join([c.content for c in chat.stream([("human", "more")], config)])
    return [first, second, text, store["s"].messages[:4], store["s"].messages[4]]
""",
    ),
    Case(
        "border_history_bare_model_stream",
        "pattern: streaming through RunnableWithMessageHistory",
        _MODEL
        + _IN_A_HISTORY
        + """    text = "".join([c.content async for c in chat.astream("one two", config)])
    return [text, store["s"].messages]
""",
    ),
    Case(
        "border_history_output_messages_key",
        "pattern: RunnableWithMessageHistory(output_messages_key=...)",
        _MODEL
        + """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import RunnableParallel
from langchain_core.runnables.history import RunnableWithMessageHistory

prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{question}")])
chain = RunnableParallel(output_message=prompt | model, extra=lambda x: x["question"].upper())
store = {}

def main():
    chat = RunnableWithMessageHistory(
        chain,
        lambda sid: store.setdefault(sid, InMemoryChatMessageHistory()),
        input_messages_key="question",
        history_messages_key="history",
        output_messages_key="output_message",
    )
    config = {"configurable": {"session_id": "s"}}
    chat.invoke({"question": "hi"}, config)
    out = chat.invoke({"question": "more"}, config)
    return [out, store["s"].messages]
""",
    ),
    Case(
        "border_history_prompt_chain",
        "pattern: the tutorial's prompt | model wrapped in RunnableWithMessageHistory",
        _MODEL
        + """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables.history import RunnableWithMessageHistory

prompt = ChatPromptTemplate.from_messages(
    [
        ("system", "You are helpful."),
        MessagesPlaceholder(variable_name="history"),
        ("human", "{input}"),
    ]
)
store = {}

async def main():
    chat = RunnableWithMessageHistory(
        prompt | model,
        lambda sid: store.setdefault(sid, InMemoryChatMessageHistory()),
        input_messages_key="input",
        history_messages_key="history",
    )
    config = {"configurable": {"session_id": "abc"}}
    await chat.ainvoke({"input": "I am Bob"}, config)
    out = await chat.ainvoke({"input": "who am I"}, config)
    return [out, len(store["abc"].messages)]
""",
        order=True,
    ),
    Case(
        "border_history_add_messages",
        "pattern: a LangChain chat history given chatplex messages by hand",
        _MODEL
        + """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.messages import HumanMessage

def main():
    history = InMemoryChatMessageHistory()
    history.add_user_message("hi")
    history.add_ai_message(model.invoke("hi"))
    history.add_messages([HumanMessage("more")])
    return [history.messages, model.invoke(history.messages).content]
""",
    ),
    # ---- ConfigurableField from LangChain -------------------------------------------
    Case(
        "border_configurable_model_name",
        "pattern: configurable_fields(model_name=ConfigurableField(...))",
        _MODEL
        + """
from langchain_core.runnables import ConfigurableField

def main():
    llm = model.configurable_fields(model_name=ConfigurableField(id="model", name="Model"))
    reply = llm.invoke("hi", config={"configurable": {"model": "gpt-4o"}})
    return [reply.response_metadata["model_name"], llm.invoke("hi").response_metadata["model_name"]]
""",
        order=True,
    ),
    Case(
        "border_configurable_config_specs",
        "pattern: listing a chain's config_specs",
        _MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import ConfigurableField

def main():
    llm = model.configurable_fields(temperature=ConfigurableField(id="temp", name="Temperature"))
    chain = ChatPromptTemplate.from_template("{x}") | llm
    reply = chain.invoke({"x": "q"}, {"configurable": {"temp": 0.9}})
    return [[s.id for s in chain.config_specs], reply]
""",
    ),
    Case(
        "border_configurable_alternatives",
        "pattern: configurable_alternatives between providers with LangChain's ConfigurableField",
        _MODEL
        + """
from langchain_anthropic import ChatAnthropic
from langchain_core.runnables import ConfigurableField

def main():
    llm = model.configurable_alternatives(
        ConfigurableField(id="llm"),
        default_key="openai",
        anthropic=ChatAnthropic(model="claude-sonnet-4-5"),
    )
    other = llm.invoke("hi", config={"configurable": {"llm": "anthropic"}})
    return [llm.invoke("hi").response_metadata["model_name"], other.response_metadata["model_name"]]
""",
    ),
    Case(
        "border_configurable_deep_import",
        "pattern: a kept LangChain ConfigurableField (deep import)",
        _MODEL
        + """
from langchain_core.runnables.utils import ConfigurableField

def main():
    llm = model.configurable_fields(temperature=ConfigurableField(id="t"))
    return llm.with_config(configurable={"t": 0.1}).invoke("hi")
""",
    ),
    # ---- LangChain tools and retrievers inside chatplex chains, events and logs ------
    Case(
        "border_tool_events_include_types",
        "pattern: astream_events(include_types=['tool']) over a chain with a @tool",
        _TOOL
        + """
from langchain_core.runnables import RunnableLambda

async def main():
    chain = RunnableLambda(lambda city: {"city": city}) | get_weather
    return [e async for e in chain.astream_events("Paris", version="v2", include_types=["tool"])]
""",
        order=True,
    ),
    Case(
        "border_tool_run_name_include_names",
        "pattern: include_names with a tool's run_name",
        _TOOL
        + """
from langchain_core.runnables import RunnableLambda

async def main():
    weather = get_weather.with_config(run_name="weather")
    chain = RunnableLambda(lambda city: {"city": city}) | weather
    stream = chain.astream_events("Oslo", version="v2", include_names=["weather"])
    events = [e async for e in stream]
    return [events, events[-1]["data"].get("output") if events else None]
""",
    ),
    Case(
        "border_tool_all_events",
        "pattern: every event of a chain ending in a @tool",
        _TOOL
        + """
from langchain_core.runnables import RunnableLambda

async def main():
    chain = RunnableLambda(lambda city: {"city": city}) | get_weather
    return [(e["event"], e["name"]) async for e in chain.astream_events("Rome", version="v2")]
""",
    ),
    Case(
        "border_retriever_events",
        "pattern: astream_events(include_types=['retriever']) in a RAG chain",
        _MODEL
        + _RETRIEVER
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

prompt = ChatPromptTemplate.from_template("Context: {context}\\nQuestion: {question}")
chain = {"context": Shelf(), "question": RunnablePassthrough()} | prompt | model | StrOutputParser()

async def main():
    stream = chain.astream_events("cats", version="v2", include_types=["retriever"])
    events = [e async for e in stream]
    return [events, await chain.ainvoke("cats")]
""",
    ),
    Case(
        "border_retriever_astream_log",
        "pattern: astream_log(include_types=['retriever'])",
        _RETRIEVER
        + """
from langchain_core.runnables import RunnableLambda

async def main():
    chain = RunnableLambda(lambda q: q.strip()) | Shelf()
    paths = set()
    async for patch in chain.astream_log(" dogs ", include_types=["retriever"]):
        for op in patch.ops:
            paths.add(op["path"].split("/")[2] if op["path"].startswith("/logs/") else op["path"])
    return sorted(paths)
""",
    ),
    Case(
        "border_ls_metadata_openai",
        "pattern: ls_provider / ls_model_name in the model's event metadata",
        _MODEL
        + """
async def main():
    async for e in model.astream_events("hi", version="v2"):
        if e["event"] == "on_chat_model_start":
            m = e["metadata"]
            return [m.get("ls_provider"), m.get("ls_model_name"), m.get("ls_model_type")]
""",
    ),
    Case(
        "border_ls_metadata_anthropic",
        "pattern: ls_* metadata of ChatAnthropic in a chain",
        """
from langchain_anthropic import ChatAnthropic
from langchain_core.prompts import ChatPromptTemplate

model = ChatAnthropic(model="claude-sonnet-4-5", temperature=0.5)
chain = ChatPromptTemplate.from_template("{q}") | model

async def main():
    async for e in chain.astream_events({"q": "hi"}, version="v2", include_types=["chat_model"]):
        m = e["metadata"]
        return [m.get("ls_provider"), m.get("ls_model_name"), m.get("ls_temperature")]
""",
    ),
    Case(
        "border_assign_streams",
        "pattern: RunnablePassthrough.assign(...) streamed",
        _MODEL
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

chain = RunnablePassthrough.assign(
    answer=ChatPromptTemplate.from_template("{q}") | model | StrOutputParser()
)

def main():
    parts = list(chain.stream({"q": "one two three"}))
    return [parts[0], len(parts) > 2, parts[-1]]
""",
    ),
    Case(
        "border_assign_astream_events",
        "pattern: .assign(...) on a chain, stream events of the assigned key",
        _MODEL
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

chain = ChatPromptTemplate.from_template("{q}") | model | StrOutputParser()

async def main():
    assigned = RunnablePassthrough.assign(answer=chain).assign(n=lambda d: len(d["answer"]))
    pieces = [p async for p in assigned.astream({"q": "a b c"})]
    return [pieces[-1], len(pieces) > 2]
""",
    ),
    Case(
        "border_astream_events_v1_data",
        "pattern: astream_events(version='v1') read for a retriever's output",
        _MODEL
        + _RETRIEVER
        + _TOOL
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

prompt = ChatPromptTemplate.from_template("say {q}")
chain = (
    RunnableLambda(lambda q: q)
    | Shelf()
    | RunnableLambda(lambda docs: {"q": docs[0].page_content})
    | prompt
    | model
    | StrOutputParser()
)

async def main():
    seen = []
    async for event in chain.astream_events("tea", version="v1"):
        if not event["event"].endswith("_stream"):
            seen.append(event)
        if event["event"] == "on_retriever_end":
            seen.append(event["data"]["output"])
    async for event in get_weather.astream_events({"city": "Oslo"}, version="v1"):
        seen.append([event["event"], event["data"]])
    return seen
""",
    ),
    Case(
        "border_llm_output_token_usage",
        "pattern: a handler reading on_llm_end's llm_output['token_usage']",
        _MODEL
        + """
from langchain_anthropic import ChatAnthropic
from langchain_core.callbacks.base import AsyncCallbackHandler, BaseCallbackHandler
from langchain_core.messages import HumanMessage

class Usage(BaseCallbackHandler):
    def __init__(self):
        self.seen = []

    def on_llm_end(self, response, **kwargs):
        self.seen.append((response.llm_output, response.generations[0][0].generation_info))

class AsyncUsage(AsyncCallbackHandler):
    def __init__(self):
        self.seen = []

    async def on_chat_model_start(self, serialized, messages, **kwargs):
        pass

    async def on_llm_end(self, response, **kwargs):
        self.seen.append(response.llm_output)

async def main():
    handler, ahandler = Usage(), AsyncUsage()
    config = {"callbacks": [handler, ahandler]}
    model.invoke("one", config)
    await model.ainvoke("two", config)
    streamed = [c async for c in model.astream("three", config)]
    result = model.generate([[HumanMessage("four")], [HumanMessage("five")]], callbacks=[handler])
    reply = model.invoke("six")
    claude = ChatAnthropic(model="claude-3-5-haiku-latest")
    streamed += [c async for c in claude.astream("eight", config)]
    return [handler.seen, ahandler.seen, len(streamed) > 2, result.llm_output,
            reply.response_metadata.get("token_usage")]
""",
    ),
    Case(
        "border_chat_model_start_kwargs",
        "pattern: a handler reading on_chat_model_start's keyword arguments",
        _MODEL
        + """
from langchain_core.callbacks.base import AsyncCallbackHandler, BaseCallbackHandler
from langchain_core.prompts import ChatPromptTemplate

def shown(serialized, messages, kwargs):
    return [
        sorted(kwargs),
        kwargs.get("name"),
        kwargs.get("tags"),
        kwargs["metadata"]["m"],
        kwargs.get("options"),
        kwargs.get("batch_size"),
        (serialized or {}).get("name"),
        [[m.type for m in row] for row in messages],
    ]

class Starts(BaseCallbackHandler):
    def __init__(self):
        self.seen = []

    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.seen.append(shown(serialized, messages, kwargs))

class AsyncStarts(AsyncCallbackHandler):
    def __init__(self):
        self.seen = []

    async def on_chat_model_start(self, serialized, messages, **kwargs):
        self.seen.append(shown(serialized, messages, kwargs))

async def main():
    handler, ahandler = Starts(), AsyncStarts()
    config = {"callbacks": [handler, ahandler], "tags": ["t"], "metadata": {"m": 1}}
    model.invoke("one", config)
    await model.ainvoke("two", {**config, "run_name": "named"})
    [c for c in model.stream("three", config, stop=["x"])]
    chain = ChatPromptTemplate.from_template("{q}") | model
    await chain.ainvoke({"q": "four"}, config)
    return [handler.seen, ahandler.seen]
""",
    ),
    Case(
        "border_chain_output_schema",
        "pattern: a chain's and a model's output JSON Schema (LangChain's AnyMessage union)",
        _MODEL
        + """
from langchain_anthropic import ChatAnthropic
from langchain_core.prompts import ChatPromptTemplate

def main():
    chain = ChatPromptTemplate.from_template("{q}") | model
    claude = ChatAnthropic(model="claude-3-5-haiku-latest")
    return [
        chain.output_schema.model_json_schema(),
        model.get_output_jsonschema(),
        (chain | claude).output_schema.model_json_schema(),
    ]
""",
    ),
    Case(
        "border_timeout_error_family",
        "pattern: except langchain_core's ModelTimeoutError / openai's APITimeoutError",
        """
import anthropic
import openai
from langchain_anthropic import ChatAnthropic
from langchain_core.exceptions import ModelError, ModelTimeoutError
from langchain_openai import ChatOpenAI

slow = {"x-mock-latency": "3"}

# Not compared (chatplex's own, see the porting notes): the class name (chatplex's
# APITimeoutError, also the SDK's and LangChain's classes, where langchain-openai names
# its class OpenAITimeoutError), str() (which names the host and the limit), and that
# it is also a builtin TimeoutError.
def seen(err):
    return [
        isinstance(err, ModelTimeoutError),
        isinstance(err, ModelError),
        isinstance(err, (openai.APITimeoutError, anthropic.APITimeoutError)),
        isinstance(err, (openai.APIConnectionError, anthropic.APIConnectionError)),
        getattr(err, "body", "-"),
        getattr(err, "status_code", None),
        getattr(err, "request", None) is not None,
    ]

async def main():
    out = []
    for model in (
        ChatOpenAI(model="gpt-4o-mini", timeout=0.3, max_retries=0, default_headers=slow),
        ChatAnthropic(
            model="claude-3-5-haiku-latest", timeout=0.3, max_retries=0, default_headers=slow
        ),
    ):
        try:
            model.invoke("slow")
        except ModelTimeoutError as err:
            out.append(seen(err))
        try:
            await model.ainvoke("slow")
        except ModelTimeoutError as err:
            out.append(seen(err))
    return out
""",
    ),
    Case(
        "border_anthropic_two_system_messages",
        "pattern: two SystemMessages before the question, to ChatAnthropic",
        """
from langchain_anthropic import ChatAnthropic
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate

model = ChatAnthropic(model="claude-3-5-haiku-latest")
prompt = ChatPromptTemplate.from_messages(
    [("system", "You are terse."), ("system", "Answer in French."), ("human", "{q}")]
)

def main():
    one = model.invoke([SystemMessage("Only one."), HumanMessage("hi")])
    two = model.invoke([SystemMessage("First."), SystemMessage("Second."), HumanMessage("hi")])
    blocks = model.invoke(
        [SystemMessage([{"type": "text", "text": "A"}]), SystemMessage("B"), HumanMessage("x")]
    )
    return [one, two, blocks, (prompt | model).invoke({"q": "bonjour"})]
""",
        wire=("system", "messages"),
    ),
    Case(
        "border_lambda_after_stream_events",
        "pattern: a plain function after a streaming model, watched with astream_events",
        _MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

prompt = ChatPromptTemplate.from_template("say {q}")
shout = RunnableLambda(lambda message: message.content.upper())
chain = prompt | model | shout

async def main():
    seen = []
    async for event in chain.astream_events({"q": "a b c"}, version="v2"):
        seen.append([event["event"], event["name"], sorted(event["data"])])
    pieces = [p async for p in chain.astream({"q": "x y"})]
    return [seen, pieces]
""",
    ),
    # ---- callbacks and custom events ----------------------------------------------
    Case(
        "border_callbacks_tool_chain",
        "pattern: a LangChain handler on a chain with a model and a @tool",
        _MODEL
        + _TOOL
        + """
from langchain_core.callbacks.base import BaseCallbackHandler
from langchain_core.runnables import RunnableLambda

class Recorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_chat_model_start(self, serialized, messages, **kw):
        self.seen.append("chat_model_start")
    def on_llm_end(self, response, **kw):
        self.seen.append(("llm_end", response.generations[0][0].text))
    def on_tool_start(self, serialized, input_str, **kw):
        self.seen.append(("tool_start", kw.get("name")))
    def on_tool_end(self, output, **kw):
        self.seen.append("tool_end")

def main():
    rec = Recorder()
    chain = model | RunnableLambda(lambda m: {"city": m.content[-5:]}) | get_weather
    out = chain.invoke("Paris", config={"callbacks": [rec]})
    return [out, rec.seen]
""",
    ),
    Case(
        "border_callbacks_async_handler_chain",
        "pattern: an AsyncCallbackHandler on a prompt | model | parser chain",
        _MODEL
        + """
from langchain_core.callbacks.base import AsyncCallbackHandler
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

class Recorder(AsyncCallbackHandler):
    def __init__(self):
        self.seen = []
    async def on_chat_model_start(self, serialized, messages, **kw):
        self.seen.append(("start", [m.content for m in messages[0]]))
    async def on_llm_new_token(self, token, **kw):
        self.seen.append("token")
    async def on_llm_end(self, response, **kw):
        self.seen.append(("end", response.generations[0][0].text))

async def main():
    rec = Recorder()
    chain = ChatPromptTemplate.from_template("tell {x}") | model | StrOutputParser()
    text = "".join([t async for t in chain.astream({"x": "one"}, config={"callbacks": [rec]})])
    return [text, rec.seen[0], rec.seen[-1], "token" in rec.seen]
""",
    ),
    Case(
        "border_adispatch_custom_event",
        "pattern: adispatch_custom_event inside a chain, read from astream_events",
        _MODEL
        + """
from langchain_core.callbacks import adispatch_custom_event
from langchain_core.runnables import RunnableConfig, RunnableLambda

async def step(x: str, config: RunnableConfig) -> str:
    await adispatch_custom_event("progress", {"stage": "before"}, config=config)
    return x.upper()

async def main():
    chain = RunnableLambda(step) | model
    return [
        (e["event"], e["name"], e["data"])
        async for e in chain.astream_events("go", version="v2", include_types=["chain"])
        if e["event"] == "on_custom_event"
    ] + [(await chain.ainvoke("go")).content]
""",
        order=True,
    ),
    Case(
        "border_dispatch_custom_event_handler",
        "pattern: a handler's on_custom_event for dispatch_custom_event in a sync lambda",
        _MODEL
        + """
from langchain_core.callbacks import dispatch_custom_event
from langchain_core.callbacks.base import BaseCallbackHandler
from langchain_core.runnables import RunnableLambda

class Recorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_custom_event(self, name, data, **kw):
        self.seen.append((name, data))

def step(x):
    dispatch_custom_event("note", {"len": len(x)})
    return x

def main():
    rec = Recorder()
    out = (RunnableLambda(step) | model).invoke("abc", config={"callbacks": [rec]})
    return [out.content, rec.seen]
""",
    ),
    # ---- prompts ------------------------------------------------------------------------
    Case(
        "border_placeholder_n_messages",
        "pattern: MessagesPlaceholder(n_messages=...)",
        _MODEL
        + """
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

prompt = ChatPromptTemplate.from_messages(
    [("system", "s"), MessagesPlaceholder("history", n_messages=2), ("human", "{q}")]
)

def main():
    history = [HumanMessage("a"), AIMessage("b"), HumanMessage("c"), AIMessage("d")]
    value = prompt.invoke({"history": history, "q": "e"})
    return [value, (prompt | model).invoke({"history": history, "q": "e"}).content]
""",
    ),
    Case(
        "border_prompt_plus_list",
        "pattern: prompt + [('human', '...')]",
        _MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate

base = ChatPromptTemplate.from_messages([("system", "You are {role}.")])

def main():
    prompt = base + [("human", "{q}")]
    values = {"role": "kind", "q": "hi"}
    return [prompt.invoke(values), (prompt | model).invoke(values).content]
""",
    ),
    Case(
        "border_prompt_plus_str_and_tuple",
        "pattern: prompt + 'text' and prompt + a message",
        """
from langchain_core.messages import HumanMessage
from langchain_core.prompts import ChatPromptTemplate

base = ChatPromptTemplate.from_messages([("system", "You are {role}.")])

def main():
    with_text = (base + "{q}").invoke({"role": "kind", "q": "hi"})
    return [with_text, (base + HumanMessage("fixed")).invoke({"role": "r"})]
""",
    ),
    Case(
        "border_placeholder_optional",
        "pattern: MessagesPlaceholder(optional=True) left out",
        _MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

prompt = ChatPromptTemplate.from_messages(
    [MessagesPlaceholder("history", optional=True), ("human", "{q}")]
)

def main():
    reply = (prompt | model).invoke({"q": "x"})
    return [prompt.invoke({"q": "hi"}), prompt.input_variables, reply.content]
""",
    ),
    Case(
        "border_placeholder_tuple_form",
        "pattern: ('placeholder', '{history}') in from_messages, fed chatplex replies",
        _MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_messages([("placeholder", "{history}"), ("human", "{q}")])

def main():
    reply = model.invoke("first")
    return (prompt | model).invoke({"history": [("human", "first"), reply], "q": "second"})
""",
    ),
    Case(
        "border_lc_prompt_deep_import",
        "pattern: a kept LangChain ChatPromptTemplate (deep import) piped into a chatplex model",
        _MODEL
        + """
from langchain_core.prompts.chat import ChatPromptTemplate

prompt = ChatPromptTemplate.from_messages([("system", "s"), ("human", "{q}")])

def main():
    chain = prompt | model
    return [chain.invoke({"q": "hi"}), [c.content for c in chain.stream({"q": "a b"})]]
""",
    ),
    Case(
        "border_lc_messages_into_model",
        "pattern: LangChain messages (kept) sent to a chatplex model",
        _MODEL
        + """
from langchain_core.messages.ai import AIMessage
from langchain_core.messages.human import HumanMessage
from langchain_core.messages.system import SystemMessage

def main():
    return model.invoke(
        [SystemMessage("s"), HumanMessage("q"), AIMessage("a"), HumanMessage("last")]
    )
""",
    ),
    # ---- LangChain runnables around chatplex chains -----------------------------------
    Case(
        "border_isinstance_lc_runnable",
        "pattern: LangChain code checking isinstance(x, Runnable)",
        _MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables.base import Runnable

def main():
    chain = ChatPromptTemplate.from_template("{q}") | model
    return [isinstance(model, Runnable), isinstance(chain, Runnable)]
""",
        order=True,
    ),
    Case(
        "border_lc_branch_streams_chain",
        "pattern: LangChain's RunnableBranch (kept) streaming a chatplex chain",
        _MODEL
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables.branch import RunnableBranch

chain = model | StrOutputParser()
branch = RunnableBranch((lambda x: "short" in x, chain), chain)

def main():
    pieces = list(branch.stream("short one two three"))
    return ["".join(pieces), len(pieces) > 1]
""",
        order=True,
    ),
    Case(
        "border_lc_sequence_around_chain",
        "pattern: a chatplex chain inside LangChain's RunnableSequence / RunnableParallel (kept)",
        _MODEL
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables.base import RunnableLambda, RunnableParallel

inner = model | StrOutputParser()

async def main():
    outer = RunnableLambda(lambda x: x + "!") | RunnableParallel(a=inner, b=inner)
    pieces = [p async for p in outer.astream("yo")]
    return [await outer.ainvoke("hi"), "".join(p.get("a", "") for p in pieces)]
""",
        order=True,
    ),
    Case(
        "border_tool_invoke_tool_call",
        "pattern: tool.invoke(tool_call) returns a ToolMessage sent back to the model",
        _MODEL
        + _TOOL
        + """
from langchain_core.messages import HumanMessage

def main():
    llm = model.bind_tools([get_weather])
    messages = [HumanMessage("weather in Paris? use the tool")]
    reply = llm.invoke(messages)
    messages.append(reply)
    for call in reply.tool_calls:
        messages.append(get_weather.invoke(call))
    return [messages[-1].content, type(messages[-1]).__name__, llm.invoke(messages).content]
""",
    ),
    Case(
        "border_tool_batch_tool_calls",
        "pattern: tool.batch(reply.tool_calls)",
        _MODEL
        + _TOOL
        + """
async def main():
    reply = await model.bind_tools([get_weather]).ainvoke("use the tool")
    results = await get_weather.abatch(reply.tool_calls)
    return [r.content for r in results]
""",
    ),
]
