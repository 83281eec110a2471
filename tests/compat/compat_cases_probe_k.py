"""Scripts that combine LangChain's machinery around ChatOpenAI, ChatAnthropic and
init_chat_model: LangGraph's functional API streaming three modes, agents choosing a
structured-output strategy from the model's profile, tool parsers over streams, the SQLite
cache, token counting with tools, event payloads, handlers that log every argument,
retries and fallbacks on the SDKs' exception classes, serialization of bound chains.
Pure import swaps, as everywhere in the suite."""

from __future__ import annotations

from compat_harness import Case

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason

_MATH = '''
from pydantic import BaseModel, Field

class Add(BaseModel):
    """Add two integers."""
    a: int = Field(description="first")
    b: int = Field(description="second")

class Multiply(BaseModel):
    """Multiply two integers."""
    a: int
    b: int
'''

#: How a script shows an error it caught: its class, the SDKs' classes it is, its fields.
_DESCRIBE = """
import json, openai, anthropic, httpx
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def describe(err):
    return [type(err).__name__,
            isinstance(err, openai.APIError), isinstance(err, anthropic.APIError),
            isinstance(err, openai.APIStatusError), isinstance(err, anthropic.APIStatusError),
            isinstance(err, httpx.HTTPError), isinstance(err, json.JSONDecodeError),
            getattr(err, "status_code", None), type(getattr(err, "body", None)).__name__,
            getattr(err, "type", None), getattr(err, "code", None), str(err)[:60]]
"""

#: How a script shows messages, content blocks and tool calls without their ids.
_STRIP = """
import re

def strip_ids(value):
    if isinstance(value, dict):
        return {k: strip_ids(v) for k, v in value.items()
                if k not in ("id", "tool_call_id", "run_id", "created", "system_fingerprint")}
    if isinstance(value, list):
        return [strip_ids(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"(req_|msg_|chatcmpl-|lc_run--|run-|toolu_|call_)[\\w-]+", r"\\1X", value)
    return value
"""

#: The tool the agents and tool loops call.
_WEATHER = """
from langchain_core.tools import tool

@tool
def get_weather(city: str) -> str:
    '''Get the weather for a city.'''
    return f"It is sunny in {city}."
"""

#: Models a script cannot reach: a port nothing listens on (held bound, not listening,
#: so that no other server takes it), and a server slower than the model's timeout.
_UNREACHABLE = """
import atexit
import socket
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def unreachable_and_slow():
    s = socket.socket()  # bound, not listening, till the end: no server can take its port
    s.bind(("127.0.0.1", 0))
    atexit.register(s.close)
    down = f"http://127.0.0.1:{s.getsockname()[1]}"
    slow = {"x-mock-latency": "2"}
    return [ChatOpenAI(model="gpt-4o-mini", base_url=down + "/v1", max_retries=0),
            ChatAnthropic(model="claude-sonnet-4-5", base_url=down, max_retries=0),
            ChatOpenAI(model="gpt-4o-mini", timeout=0.2, max_retries=0, default_headers=slow),
            ChatAnthropic(model="claude-sonnet-4-5", default_request_timeout=0.2,
                          max_retries=0, default_headers=slow)]
"""

PROBE_K_CASES = [
    Case(
        "workflow_functional_api_three_stream_modes",
        "pattern: @entrypoint/@task with a checkpointer and store, streamed as updates, "
        "messages and custom, the messages' metadata shown",
        """
from langchain_openai import ChatOpenAI
from langgraph.func import entrypoint, task
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore
from langgraph.config import get_stream_writer

model = ChatOpenAI(model='gpt-4o-mini', temperature=0.2)


@task
def write_joke(topic: str):
    writer = get_stream_writer()
    writer({'progress': f'joke about {topic}'})
    return model.invoke(f'Tell a joke about {topic}')


@entrypoint(checkpointer=InMemorySaver(), store=InMemoryStore())
def workflow(topic: str, *, store, previous=None):
    joke = write_joke(topic).result()
    store.put(('jokes',), topic, {'text': joke.content})
    return entrypoint.final(value=joke.content, save=joke.content)


KEEP = (
    'langgraph_node',
    'langgraph_step',
    'ls_provider',
    'ls_model_name',
    'ls_model_type',
    'ls_temperature',
    'ls_max_tokens',
    'ls_stop',
    'ls_integration',
)


def main():
    config = {'configurable': {'thread_id': 't1'}}
    out = []
    for mode, part in workflow.stream(
        'cats', config, stream_mode=['updates', 'messages', 'custom']
    ):
        if mode == 'messages':
            chunk, meta = part
            out.append(
                [
                    mode,
                    type(chunk).__name__,
                    chunk.content,
                    sorted(meta),
                    {k: meta.get(k) for k in KEEP},
                    chunk.usage_metadata,
                    sorted(chunk.response_metadata),
                ]
            )
        elif mode == 'updates':
            out.append(
                [
                    mode,
                    {k: (v.content if hasattr(v, 'content') else v) for k, v in part.items()},
                ]
            )
        else:
            out.append([mode, part])
    state = workflow.get_state(config)
    out.append(state.values)
    return out
""",
    ),
    Case(
        "workflow_create_agent_response_format_strategy",
        "pattern: create_agent(response_format=<pydantic model>) picks its strategy from "
        "the model's profile: the request it sends and the structured_response",
        _MATH
        + """
from langchain.agents import create_agent
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


class Weather(BaseModel):
    city: str
    degrees: int


def main():
    out = []
    for model in (
        ChatOpenAI(model='gpt-4o-mini'),
        ChatAnthropic(model='claude-sonnet-4-5'),
        ChatOpenAI(model='gpt-4o'),
    ):
        agent = create_agent(model, tools=[], response_format=Weather)
        result = agent.invoke({'messages': [{'role': 'user', 'content': 'Weather in Oslo?'}]})
        out.append(
            [
                type(model).__name__,
                result['structured_response'],
                [type(m).__name__ for m in result['messages']],
                [[c['name'] for c in getattr(m, 'tool_calls', [])] for m in result['messages']],
            ]
        )
    return out
""",
        wire=("response_format.type", "output_config.format.type", "tool_choice"),
    ),
    Case(
        "workflow_tools_parsers_stream_partial",
        "pattern: bind_tools | PydanticToolsParser / JsonOutputKeyToolsParser(first_tool_only) "
        "streamed: each partial object the parser yields",
        _MATH
        + """
from langchain_core.output_parsers.openai_tools import (
    PydanticToolsParser,
    JsonOutputKeyToolsParser,
)
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


def main():
    out = []
    for model in (ChatOpenAI(model='gpt-4o-mini'), ChatAnthropic(model='claude-sonnet-4-5')):
        bound = model.bind_tools([Add, Multiply], tool_choice='Add')
        out.append(
            list((bound | PydanticToolsParser(tools=[Add, Multiply])).stream('Add 2 and 3'))
        )
        out.append(
            list(
                (
                    bound | PydanticToolsParser(tools=[Add, Multiply], first_tool_only=True)
                ).stream('Add 2 and 3')
            )
        )
        out.append(
            list(
                (bound | JsonOutputKeyToolsParser(key_name='Add', first_tool_only=True)).stream(
                    'Add 2 and 3'
                )
            )
        )
        out.append(
            list(
                (bound | JsonOutputKeyToolsParser(key_name='Add', return_id=True)).stream('Add')
            )
        )
        out[-1] = [
            [{k: v for k, v in d.items() if k != 'id'} for d in part] for part in out[-1]
        ]
    return out
""",
    ),
    Case(
        "workflow_serializing_cache_hit_miss",
        "pattern: a user's cache that stores generations as JSON (dumps/loads, as "
        "SQLiteCache and RedisCache do): miss then hit, invoke and stream",
        """
from langchain_core.caches import BaseCache
from langchain_core.globals import set_llm_cache
from langchain_core.load import dumps, loads
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


class JsonCache(BaseCache):
    def __init__(self):
        self.rows = {}

    def lookup(self, prompt, llm_string):
        row = self.rows.get((prompt, llm_string))
        return None if row is None else [loads(g) for g in row]

    def update(self, prompt, llm_string, return_val):
        self.rows[(prompt, llm_string)] = [dumps(g) for g in return_val]

    def clear(self, **kwargs):
        self.rows.clear()


def shown(m):
    return [
        type(m).__name__,
        m.content,
        sorted(m.response_metadata),
        {
            k: v
            for k, v in m.response_metadata.items()
            if k in ('model_name', 'finish_reason', 'stop_reason', 'model_provider')
        },
        m.usage_metadata,
        (m.id or '')[:4],
    ]


def main():
    cache = JsonCache()
    set_llm_cache(cache)
    out = []
    try:
        for model in (
            ChatOpenAI(model='gpt-4o-mini'),
            ChatAnthropic(model='claude-sonnet-4-5'),
        ):
            out.append(shown(model.invoke('cache me please')))
            out.append(shown(model.invoke('cache me please')))
            chunks = list(model.stream('cache me please'))
            out.append([shown(c) for c in chunks])
            total = chunks[0]
            for c in chunks[1:]:
                total += c
            out.append(shown(total))
        out.append(len(cache.rows))
    finally:
        set_llm_cache(None)
    return out
""",
    ),
    Case(
        "workflow_trim_messages_model_counter_with_tools",
        "pattern: ChatAnthropic as trim_messages' token_counter (its count_tokens endpoint), "
        "and get_num_tokens_from_messages of a tool-calling history with tools",
        """
from langchain_core.messages import (
    SystemMessage,
    HumanMessage,
    AIMessage,
    ToolMessage,
    trim_messages,
)
from langchain_core.tools import tool
from langchain_anthropic import ChatAnthropic


@tool
def lookup(term: str) -> str:
    '''Look a term up.'''
    return term


history = [
    SystemMessage('You are terse.'),
    HumanMessage('What is a monad?'),
    AIMessage('', tool_calls=[{'name': 'lookup', 'args': {'term': 'monad'}, 'id': 'c1'}]),
    ToolMessage('A monoid in the category of endofunctors.', tool_call_id='c1'),
    AIMessage('A monoid in the category of endofunctors.'),
    HumanMessage('And a functor?'),
    AIMessage('A map between categories.'),
    HumanMessage('Thanks, and an applicative?'),
]


def main():
    model = ChatAnthropic(model='claude-sonnet-4-5')
    out = [
        model.get_num_tokens_from_messages(history),
        model.get_num_tokens_from_messages(history, tools=[lookup]),
    ]
    chat = [
        m
        for m in history
        if not isinstance(m, ToolMessage) and not getattr(m, 'tool_calls', None)
    ]
    for max_tokens in (12, 20, 45):
        trimmed = trim_messages(
            chat,
            max_tokens=max_tokens,
            token_counter=model,
            strategy='last',
            start_on='human',
            include_system=True,
            allow_partial=False,
        )
        out.append([[type(m).__name__, m.content] for m in trimmed])
    trimmer = trim_messages(max_tokens=20, token_counter=model, strategy='first')
    out.append([type(m).__name__ for m in trimmer.invoke(chat)])
    out.append((trimmer | model).invoke(chat).content)
    return out
""",
    ),
    Case(
        "workflow_events_v2_payloads_by_tag",
        "pattern: astream_events v2 filtered by include_tags and include_types, each "
        "event's tags, metadata and data payload shown",
        """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.output_parsers import StrOutputParser
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


async def main():
    out = []
    for model in (
        ChatOpenAI(model='gpt-4o-mini', max_tokens=50),
        ChatAnthropic(model='claude-sonnet-4-5', max_tokens=50),
    ):
        chain = (
            ChatPromptTemplate.from_messages([('system', 'Be brief.'), ('human', '{q}')])
            | model.with_config(tags=['llm'], run_name='answerer')
            | StrOutputParser()
        )
        async for ev in chain.astream_events(
            {'q': 'hi there'}, version='v2', include_tags=['llm'], include_types=['chat_model']
        ):
            data = ev['data']
            shown = {}
            if 'chunk' in data:
                c = data['chunk']
                shown = {
                    'content': c.content,
                    'usage': c.usage_metadata,
                    'meta': sorted(c.response_metadata),
                    'pos': getattr(c, 'chunk_position', None),
                }
            if 'output' in data:
                o = data['output']
                shown = {
                    'type': type(o).__name__,
                    'content': o.content,
                    'usage': o.usage_metadata,
                    'meta': sorted(o.response_metadata),
                }
            if 'input' in data:
                got = data['input']
                shown['input'] = (
                    [[type(m).__name__, m.content] for ms in got['messages'] for m in ms]
                    if isinstance(got, dict) and 'messages' in got
                    else type(got).__name__
                )
            meta = {k: v for k, v in ev['metadata'].items() if k.startswith('ls_')}
            out.append([ev['event'], ev['name'], sorted(ev['tags']), meta, shown])
    return out
""",
    ),
    Case(
        "workflow_parallel_handler_logs_everything",
        "pattern: RunnableParallel of two providers with itemgetter and assign, under a "
        "callback handler that logs every chat-model callback argument",
        """
from operator import itemgetter
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableParallel, RunnablePassthrough, RunnableLambda
from langchain_core.output_parsers import StrOutputParser
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


class Logger(BaseCallbackHandler):
    def __init__(self):
        self.log = []

    def on_chat_model_start(self, serialized, messages, **kw):
        self.log.append(
            [
                'start',
                serialized.get('id'),
                serialized.get('name'),
                sorted(serialized.get('kwargs', {})),
                {k: v for k, v in kw['invocation_params'].items() if k != '_type'},
                kw['invocation_params'].get('_type'),
                sorted(kw.get('tags') or []),
                {k: v for k, v in (kw.get('metadata') or {}).items()},
                kw.get('name'),
            ]
        )

    def on_llm_end(self, response, **kw):
        g = response.generations[0][0]
        self.log.append(
            [
                'end',
                response.llm_output,
                g.generation_info,
                sorted(g.message.response_metadata),
                sorted(kw.get('tags') or []),
            ]
        )


def main():
    prompt = ChatPromptTemplate.from_template('Say {word}')
    gpt = (
        prompt | ChatOpenAI(model='gpt-4o-mini', temperature=0) | StrOutputParser()
    ).with_config(run_name='gpt', tags=['a'])
    claude = (
        prompt
        | ChatAnthropic(model='claude-sonnet-4-5', temperature=0.5, max_tokens=99)
        | StrOutputParser()
    ).with_config(run_name='claude', tags=['b'], metadata={'team': 'x'})
    chain = RunnablePassthrough.assign(
        word=itemgetter('w') | RunnableLambda(str.upper)
    ) | RunnableParallel(gpt=gpt, claude=claude, w=itemgetter('word'))
    logger = Logger()
    result = chain.invoke({'w': 'hello'}, config={'callbacks': [logger], 'max_concurrency': 1})
    log = sorted(logger.log, key=repr)
    return [result, log]
""",
    ),
    Case(
        "workflow_with_retry_sdk_exception_types",
        "pattern: with_retry(retry_if_exception_type=(openai.RateLimitError,)) and the "
        "anthropic twin, the error's attributes once retries run out",
        _DESCRIBE
        + """


def faulty(cls, model, status):
    return cls(model=model, max_retries=0, default_headers={'x-mock-fault': f'status={status}'})


def main():
    out = []
    for model, kinds in (
        (faulty(ChatOpenAI, 'gpt-4o-mini', 429), (openai.RateLimitError,)),
        (faulty(ChatAnthropic, 'claude-sonnet-4-5', 429), (anthropic.RateLimitError,)),
        (faulty(ChatAnthropic, 'claude-sonnet-4-5', 529), (anthropic.InternalServerError,)),
        (faulty(ChatOpenAI, 'gpt-4o-mini', 500), (openai.RateLimitError,)),
    ):
        retried = model.with_retry(
            retry_if_exception_type=kinds, stop_after_attempt=3, wait_exponential_jitter=False
        )
        try:
            retried.invoke('hi', config={'callbacks': []})
        except Exception as err:
            out.append(describe(err))
    return out
""",
    ),
    Case(
        "workflow_history_tool_stream_then_convert",
        "pattern: RunnableWithMessageHistory over ChatAnthropic with tools, streamed; the "
        "stored history through convert_to_openai_messages, filter_messages and merge_message_runs",
        _MATH
        + _STRIP
        + """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.messages import (
    convert_to_openai_messages,
    filter_messages,
    merge_message_runs,
    HumanMessage,
)
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_anthropic import ChatAnthropic
from langchain_openai import ChatOpenAI



def main():
    out = []
    for model in (ChatAnthropic(model='claude-sonnet-4-5'), ChatOpenAI(model='gpt-4o-mini')):
        store = {}
        prompt = ChatPromptTemplate.from_messages(
            [('system', 'Use tools.'), MessagesPlaceholder('history'), ('human', '{question}')]
        )
        chain = RunnableWithMessageHistory(
            prompt | model.bind_tools([Add]),
            lambda sid: store.setdefault(sid, InMemoryChatMessageHistory()),
            input_messages_key='question',
            history_messages_key='history',
        )
        cfg = {'configurable': {'session_id': 's'}}
        list(chain.stream({'question': 'Use the tool to add'}, cfg))
        list(chain.stream({'question': 'thanks'}, cfg))
        history = store['s'].messages
        out.append(strip_ids(convert_to_openai_messages(history)))
        out.append([type(m).__name__ for m in filter_messages(history, include_types=['ai'])])
        merged = merge_message_runs(history + [HumanMessage('more')])
        out.append(
            [
                [
                    type(m).__name__,
                    m.content if isinstance(m.content, str) else strip_ids(m.content),
                ]
                for m in merged
            ]
        )
        out.append([sorted(m.response_metadata) for m in history])
        out.append([m.usage_metadata for m in history if m.type == 'ai'])
    return out
""",
    ),
    Case(
        "workflow_dumpd_bound_chain_round_trip",
        "pattern: dumpd/dumps of prompt | model.bind_tools(...) and of with_structured_output, "
        "loads with secrets_map and invoked again, a tools parser after it",
        _MATH
        + """
import json
from langchain_core.load import dumpd, dumps, loads
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.output_parsers.openai_tools import JsonOutputKeyToolsParser
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


def main():
    out = []
    prompt = ChatPromptTemplate.from_template('Use the tool: {q}')
    for model in (
        ChatOpenAI(model='gpt-4o-mini', temperature=0.1, max_tokens=64),
        ChatAnthropic(model='claude-sonnet-4-5', temperature=0.1, max_tokens=64),
    ):
        chain = prompt | model.bind_tools([Add], tool_choice='Add')
        data = dumpd(chain)
        out.append(json.loads(json.dumps(data['kwargs']['last'], sort_keys=True)))
        text = dumps(chain)
        back = loads(
            text,
            secrets_map={'OPENAI_API_KEY': 'sk-x', 'ANTHROPIC_API_KEY': 'sk-x'},
            valid_namespaces=['langchain_openai', 'langchain_anthropic'],
            allowed_objects='all',
        )
        reply = back.invoke({'q': '2 and 3'})
        out.append(
            [
                type(back.last.bound).__name__,
                reply.tool_calls[0]['args'],
                (back | JsonOutputKeyToolsParser(key_name='Add', first_tool_only=True)).invoke(
                    {'q': 'x'}
                ),
            ]
        )
        structured = model.with_structured_output(Add)
        out.append(sorted(dumpd(structured)))
    return out
""",
    ),
    Case(
        "workflow_configurable_any_bind_tools_switch_provider",
        "pattern: init_chat_model(configurable_fields='any') with tools bound and structured "
        "output, switched from OpenAI to Anthropic per call",
        _MATH
        + """
from langchain.chat_models import init_chat_model


def main():
    model = init_chat_model('openai:gpt-4o-mini', configurable_fields='any', temperature=0)
    bound = model.bind_tools([Add, Multiply])
    structured = model.with_structured_output(Multiply)
    out = []
    for cfg in (
        {},
        {'model': 'claude-sonnet-4-5', 'model_provider': 'anthropic', 'max_tokens': 77},
    ):
        config = {'configurable': cfg}
        reply = bound.invoke('Use the tool to add 2 and 3', config=config)
        out.append(
            [
                type(reply).__name__,
                [(c['name'], c['args']) for c in reply.tool_calls],
                reply.response_metadata.get('model_name'),
                reply.response_metadata.get('model_provider'),
            ]
        )
        out.append(structured.invoke('multiply', config=config))
    return out
""",
        wire=(
            "model",
            "max_tokens",
            "temperature",
            "tools[].function.name",
            "tools[].name",
            "tool_choice",
            "response_format.type",
        ),
    ),
    Case(
        "workflow_batch_as_completed_structured_faults",
        "pattern: batch_as_completed over with_structured_output(include_raw=True), one "
        "input's call failing (a per-call extra_headers fault), return_exceptions",
        _MATH
        + """
import openai
from langchain_openai import ChatOpenAI
from langchain_core.runnables import RunnableLambda


def main():
    model = ChatOpenAI(model='gpt-4o-mini', max_retries=0)

    def pick(x):
        headers = {'x-mock-fault': 'status=400'} if x == 'bad' else {}
        return model.bind(extra_headers=headers).with_structured_output(Add, include_raw=True)

    chain = RunnableLambda(lambda x: x) | RunnableLambda(lambda x: pick(x).invoke(f'add {x}'))
    out = {}
    for i, item in chain.batch_as_completed(
        ['one', 'bad', 'two'], return_exceptions=True, config={'max_concurrency': 1}
    ):
        if isinstance(item, Exception):
            out[i] = [
                type(item).__name__,
                isinstance(item, openai.BadRequestError),
                getattr(item, 'status_code', None),
            ]
        else:
            out[i] = [
                item['parsed'],
                item['parsing_error'],
                type(item['raw']).__name__,
                sorted(item['raw'].response_metadata),
            ]
    return [out[k] for k in sorted(out)]
""",
    ),
    Case(
        "workflow_usage_callback_with_cache_hits",
        "pattern: get_usage_metadata_callback around calls whose second run is a cache "
        "hit, sync and streamed, two providers",
        """
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.caches import InMemoryCache
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


def main():
    cache = InMemoryCache()
    out = []
    for model in (
        ChatOpenAI(model='gpt-4o-mini', cache=cache),
        ChatAnthropic(model='claude-sonnet-4-5', cache=cache),
    ):
        with get_usage_metadata_callback() as cb:
            first = model.invoke('count my tokens')
            second = model.invoke('count my tokens')
            streamed = list(model.stream('count my tokens'))
        out.append(
            [
                cb.usage_metadata,
                first.usage_metadata,
                second.usage_metadata,
                [c.usage_metadata for c in streamed],
                second.response_metadata.get('model_name'),
            ]
        )
    return out
""",
    ),
    Case(
        "workflow_create_agent_three_modes_tool_writes",
        "pattern: create_agent over ChatAnthropic streamed with stream_mode "
        "['updates', 'messages', 'custom'], its tool writing progress; each chunk's blocks",
        _STRIP
        + """
from langchain.agents import create_agent
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langchain_anthropic import ChatAnthropic
from langchain_openai import ChatOpenAI


@tool
def get_weather(city: str) -> str:
    '''Get the weather for a city.'''
    get_stream_writer()({'looking_up': city})
    return f'It is sunny in {city}.'



def main():
    out = []
    for model in (ChatAnthropic(model='claude-sonnet-4-5'), ChatOpenAI(model='gpt-4o-mini')):
        agent = create_agent(model, tools=[get_weather], system_prompt='Be brief.')
        for mode, part in agent.stream(
            {'messages': [{'role': 'user', 'content': 'Use the tool for Oslo'}]},
            stream_mode=['updates', 'messages', 'custom'],
        ):
            if mode == 'messages':
                chunk, meta = part
                out.append(
                    [
                        mode,
                        type(chunk).__name__,
                        strip_ids(chunk.content),
                        strip_ids(getattr(chunk, 'tool_call_chunks', [])),
                        getattr(chunk, 'usage_metadata', None),
                        getattr(chunk, 'chunk_position', None),
                        meta.get('langgraph_node'),
                        meta.get('ls_provider'),
                        meta.get('ls_model_name'),
                    ]
                )
            elif mode == 'updates':
                out.append(
                    [
                        mode,
                        {
                            k: [type(m).__name__ for m in (v or {}).get('messages', [])]
                            for k, v in part.items()
                        },
                    ]
                )
            else:
                out.append([mode, part])
    return out
""",
    ),
    Case(
        "workflow_structured_output_events_parser_stream",
        "pattern: with_structured_output (json_schema, function_calling) under astream_events "
        "v2 with include_types chat_model and parser: every parser event's data",
        _MATH
        + """
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


async def main():
    out = []
    for model, method in (
        (ChatOpenAI(model='gpt-4o-mini'), 'json_schema'),
        (ChatOpenAI(model='gpt-4o-mini'), 'function_calling'),
        (ChatAnthropic(model='claude-sonnet-4-5'), 'function_calling'),
        (ChatAnthropic(model='claude-sonnet-4-5'), 'json_schema'),
    ):
        runnable = model.with_structured_output(Add, method=method)
        async for ev in runnable.astream_events(
            'add 2 and 3', version='v2', include_types=['chat_model', 'parser', 'chain']
        ):
            data = ev['data']
            payload = data.get('chunk', data.get('output'))
            if hasattr(payload, 'content'):
                payload = [
                    type(payload).__name__,
                    payload.content
                    if isinstance(payload.content, str)
                    else len(payload.content),
                    [(c['name'], c['args']) for c in getattr(payload, 'tool_calls', [])],
                ]
            elif hasattr(payload, 'model_dump'):
                payload = payload.model_dump()
            out.append([ev['event'], ev['name'], payload])
    return out
""",
    ),
    Case(
        "workflow_fallbacks_connection_and_timeout",
        "pattern: with_fallbacks(exceptions_to_handle=(openai.APIConnectionError,)) from a "
        "server that is down and from one too slow, invoke and stream, the errors' classes",
        _UNREACHABLE
        + """
import openai, anthropic


def main():
    out = []
    for broken in unreachable_and_slow():
        try:
            broken.invoke('hi')
        except Exception as err:
            out.append(
                [
                    type(err).__name__,
                    isinstance(err, openai.APIConnectionError),
                    isinstance(err, anthropic.APIConnectionError),
                    isinstance(err, openai.APITimeoutError),
                    isinstance(err, anthropic.APITimeoutError),
                    type(err.__cause__).__name__ if err.__cause__ else None,
                ]
            )
        safe = broken.with_fallbacks(
            [ChatOpenAI(model='gpt-4o-mini')],
            exceptions_to_handle=(openai.APIConnectionError, anthropic.APIConnectionError),
        )
        out.append(safe.invoke('hi').content)
        out.append(
            ''.join(
                c.content if isinstance(c.content, str) else '' for c in safe.stream('hi there')
            )
        )
    return out
""",
    ),
    Case(
        "workflow_stream_faults_error_classes",
        "pattern: a stream that breaks (connection cut, an error event, bad JSON), "
        "sync and async: the pieces a script got first and the error it catches",
        _DESCRIBE
        + """


def text_of(chunk):
    content = chunk.content
    return content if isinstance(content, str) else [b.get('text') for b in content]


async def main():
    out = []
    for fault in ('midstream_close;after=2', 'stream_error_event', 'malformed_json'):
        for make in (
            lambda: ChatOpenAI(
                model='gpt-4o-mini', max_retries=0, default_headers={'x-mock-fault': fault}
            ),
            lambda: ChatAnthropic(
                model='claude-sonnet-4-5',
                max_retries=0,
                default_headers={'x-mock-fault': fault},
            ),
        ):
            got = []
            try:
                for c in make().stream('one two three four five six'):
                    got.append(text_of(c))
                out.append(['ok', got])
            except Exception as err:
                out.append([got, describe(err)])
            got = []
            try:
                async for c in make().astream('one two three four five six'):
                    got.append(text_of(c))
                out.append(['ok', got])
            except Exception as err:
                out.append([got, describe(err)])
    return out
""",
    ),
    Case(
        "workflow_stream_ends_without_its_end",
        "pattern: a stream whose body ends cleanly before its last event (no [DONE], no "
        "message_stop), sync and async: what the script is left holding",
        """
import openai, anthropic
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


async def main():
    out = []
    for make in (
        lambda: ChatOpenAI(
            model='gpt-4o-mini',
            max_retries=0,
            default_headers={'x-mock-fault': 'truncated_sse;after=2'},
        ),
        lambda: ChatAnthropic(
            model='claude-sonnet-4-5',
            max_retries=0,
            default_headers={'x-mock-fault': 'truncated_sse;after=2'},
        ),
    ):
        for way in ('sync', 'async'):
            total = None
            try:
                if way == 'sync':
                    for c in make().stream('one two three four five six'):
                        total = c if total is None else total + c
                else:
                    async for c in make().astream('one two three four five six'):
                        total = c if total is None else total + c
                out.append(
                    [
                        'complete',
                        total.text,
                        total.response_metadata.get(
                            'finish_reason', total.response_metadata.get('stop_reason')
                        ),
                    ]
                )
            except (openai.APIConnectionError, anthropic.APIConnectionError) as err:
                out.append(['raised', total.text])
    return out
""",
        status="deliberate",
        kept=Difference(
            Reason.LOSES_DATA,
            "ends a stream whose body stops before its last event (no `[DONE]`, no "
            "`message_stop`) without an error: the reply is cut short, with no finish "
            "reason, and reads as complete",
            "raises the SDK's `APIConnectionError` after the chunks that came, as for a "
            "connection cut in the middle of the stream",
        ),
        langchain_fails=lambda seen: all(row[0] == "complete" for row in seen),
    ),
    Case(
        "workflow_graph_resume_after_error",
        "pattern: a StateGraph with a checkpointer whose model node fails (429), the failed "
        "task's error as the snapshot shows it, then resumed with invoke(None)",
        """
import re
from typing import TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def plain(text):
    return re.sub(r'req_\\w+', 'req_id', text)  # ids differ from call to call


class State(TypedDict):
    question: str
    answer: str

def main():
    out = []
    for cls, name in ((ChatOpenAI, "gpt-4o-mini"), (ChatAnthropic, "claude-sonnet-4-5")):
        broken = {"on": True}
        def answer(state):
            headers = {"x-mock-fault": "status=429"} if broken["on"] else {}
            model = cls(model=name, max_retries=0, default_headers=headers)
            return {"answer": model.invoke(state["question"]).content}
        graph = StateGraph(State).add_node("answer", answer)
        app = graph.add_edge(START, "answer").add_edge("answer", END).compile(
            checkpointer=InMemorySaver())
        config = {"configurable": {"thread_id": "1"}}
        try:
            app.invoke({"question": "hello graph"}, config)
        except Exception as err:
            out.append([type(err).__name__, err.status_code, plain(repr(err)), plain(f"{err!r}")])
        snap = app.get_state(config)
        out.append([snap.next, [(t.name, plain(t.error)) for t in snap.tasks]])
        broken["on"] = False
        out.append(app.invoke(None, config))
    return out
""",
    ),
    Case(
        "workflow_error_crosses_processes",
        "pattern: an error sent to another process (multiprocessing, a process pool): "
        "pickled and unpickled, its class and fields",
        """
import pickle
from langchain_openai import ChatOpenAI

def main():
    model = ChatOpenAI(model="gpt-4o-mini", max_retries=0,
                       default_headers={"x-mock-fault": "status=429"})
    try:
        model.invoke("hi")
    except Exception as err:
        try:
            back = pickle.loads(pickle.dumps(err))
        except TypeError as failed:
            return ["TypeError", str(failed)[:60]]
        return [type(back).__name__, back.status_code, str(back) == str(err)]
""",
        status="deliberate",
        kept=Difference(
            Reason.RAISES,
            "an error of langchain-openai (and of the openai SDK) cannot be unpickled "
            "(TypeError: `__init__` missing its `response` and `body`): a process pool or "
            "multiprocessing cannot send it back",
            "the error unpickles as the same classes, with its status and text",
        ),
        langchain_fails=lambda seen: seen[0] == "TypeError",
    ),
    Case(
        "workflow_stream_timeout_error_class",
        "pattern: a stream that times out, before its first chunk and between two, sync "
        "and async, caught by langchain_core's ModelTimeoutError or the SDK's class",
        """
import openai, anthropic
from langchain_core.exceptions import ModelTimeoutError, ModelConnectionError
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def kinds(err):
    return [type(err).__name__, isinstance(err, ModelTimeoutError),
            isinstance(err, ModelConnectionError), isinstance(err, openai.APITimeoutError),
            isinstance(err, anthropic.APITimeoutError), str(err)[:40]]

async def main():
    models = [ChatOpenAI(model="gpt-4o-mini", timeout=0.3, max_retries=0,
                         default_headers={"x-mock-latency": "2"}),
              ChatOpenAI(model="gpt-4o-mini", timeout=0.3, max_retries=0,
                         default_headers={"x-mock-chunk-delay": "1"}),
              ChatAnthropic(model="claude-sonnet-4-5", default_request_timeout=0.3,
                            max_retries=0, default_headers={"x-mock-latency": "2"})]
    out = []
    for model in models:
        got = []
        try:
            for chunk in model.stream("one two three"):
                got.append(chunk.text)
        except Exception as err:
            out.append(["sync", got, kinds(err)])
        got = []
        try:
            async for chunk in model.astream("one two three"):
                got.append(chunk.text)
        except Exception as err:
            out.append(["async", got, kinds(err)])
    return out
""",
    ),
    Case(
        "workflow_cross_provider_history",
        "pattern: one conversation carried between ChatAnthropic and ChatOpenAI (a tool "
        "call by one, its result answered by the other, invoke and merged streams), "
        "every message dumped and what each request carried",
        _STRIP
        + _WEATHER
        + """
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


def run_turns(first, second, stream):
    msgs = [HumanMessage('Use the tool for Paris')]
    bound = first.bind_tools([get_weather])
    if stream:
        total = None
        for c in bound.stream(msgs):
            total = c if total is None else total + c
        reply = total
    else:
        reply = bound.invoke(msgs)
    msgs.append(reply)
    for call in reply.tool_calls:
        msgs.append(ToolMessage(get_weather.invoke(call['args']), tool_call_id=call['id']))
    final = second.bind_tools([get_weather]).invoke(msgs)
    msgs.append(final)
    msgs.append(HumanMessage('thanks'))
    again = first.invoke(msgs)
    return strip_ids([m.model_dump() for m in msgs + [again]])


def main():
    o, a = ChatOpenAI(model='gpt-4o-mini'), ChatAnthropic(model='claude-sonnet-4-5')
    return [
        run_turns(a, o, False),
        run_turns(a, o, True),
        run_turns(o, a, False),
        run_turns(o, a, True),
    ]
""",
        wire=(
            "messages[].role",
            "messages[].content[].type",
            "messages[].tool_calls[].function",
            "system",
        ),
    ),
    Case(
        "workflow_error_words_every_kind",
        "pattern: a script that prints repr(err), str(err) and err.args for every kind "
        "of failure (refused connection, timeout, context overflow, 529, error event, "
        "broken stream), invoke, stream and ainvoke",
        _STRIP
        + _UNREACHABLE
        + """
async def main():
    out = []
    for model in (
        *unreachable_and_slow(),
        ChatOpenAI(
            model='gpt-4o-mini',
            max_retries=0,
            default_headers={
                'x-mock-fault': 'status=400;code=context_length_exceeded;'
                "message=This model's maximum context length is 128000 tokens"
            },
        ),
        ChatAnthropic(
            model='claude-sonnet-4-5',
            max_retries=0,
            default_headers={'x-mock-fault': 'status=529'},
        ),
        ChatOpenAI(
            model='gpt-4o-mini',
            max_retries=0,
            default_headers={'x-mock-fault': 'stream_error_event;after=1'},
        ),
        ChatOpenAI(
            model='gpt-4o-mini',
            max_retries=0,
            default_headers={'x-mock-fault': 'midstream_close;after=1'},
        ),
    ):
        for how in ('invoke', 'stream', 'ainvoke'):
            try:
                if how == 'invoke':
                    model.invoke('hi')
                elif how == 'stream':
                    list(model.stream('hi'))
                else:
                    await model.ainvoke('hi')
                out.append('ok')
            except Exception as err:
                out.append(
                    [
                        how,
                        type(err).__name__,
                        strip_ids(repr(err)),
                        strip_ids(str(err)),
                        strip_ids(repr(err.args)),
                    ]
                )
    return out
""",
    ),
    Case(
        "workflow_tracer_run_tree",
        "pattern: a BaseTracer subclass persisting each run tree: names, types, tags, "
        "extra, the llm runs' inputs and outputs, a failed run's error",
        _STRIP
        + """
from langchain_core.tracers.base import BaseTracer
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.output_parsers import StrOutputParser
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


class Collect(BaseTracer):
    def __init__(self):
        super().__init__()
        self.runs = []

    def _persist_run(self, run):
        self.runs.append(run)


def flat(run, depth=0):
    rows = [
        [
            depth,
            run.name,
            run.run_type,
            sorted(run.tags or []),
            sorted(run.extra or {}),
            strip_ids((run.extra or {}).get('invocation_params')),
            strip_ids(run.outputs) if run.run_type == 'llm' else None,
            strip_ids(run.inputs) if run.run_type == 'llm' else None,
            (run.error or '').splitlines()[-1:],
            [e['name'] for e in run.events],
        ]
    ]
    for child in run.child_runs:
        rows += flat(child, depth + 1)
    return rows


def main():
    out = []
    for model in (
        ChatOpenAI(model='gpt-4o-mini', temperature=0.3),
        ChatAnthropic(model='claude-sonnet-4-5', max_tokens=50),
        ChatOpenAI(
            model='gpt-4o-mini', max_retries=0, default_headers={'x-mock-fault': 'status=429'}
        ),
    ):
        chain = ChatPromptTemplate.from_template('say {x}') | model | StrOutputParser()
        t = Collect()
        try:
            chain.invoke({'x': 'hi'}, config={'callbacks': [t]})
        except Exception:
            pass
        list(chain.stream({'x': 'hi'}, config={'callbacks': [t]})) if 'fault' not in str(
            getattr(model, 'default_headers', {})
        ) else None
        for run in t.runs:
            out.append(flat(run))
    return out
""",
    ),
    Case(
        "workflow_agent_events_payloads",
        "pattern: astream_events v2 of create_agent filtered to chat models and tools, "
        "each event's data payload and metadata keys",
        _WEATHER
        + """
import re
from langchain.agents import create_agent
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic


def show(v):
    if hasattr(v, 'content') and hasattr(v, 'type'):
        return [
            type(v).__name__,
            v.content
            if isinstance(v.content, str)
            else [{k: x for k, x in b.items() if k not in ('id',)} for b in v.content],
            [(c['name'], c['args']) for c in getattr(v, 'tool_calls', [])],
            getattr(v, 'usage_metadata', None),
            sorted(getattr(v, 'response_metadata', {})),
        ]
    if isinstance(v, dict):
        return {k: show(x) for k, x in v.items() if k not in ('id', 'tool_call_id', 'run_id')}
    if isinstance(v, list):
        return [show(x) for x in v]
    return v if isinstance(v, (str, int, float, bool, type(None))) else type(v).__name__


async def main():
    out = []
    for model in (ChatOpenAI(model='gpt-4o-mini'), ChatAnthropic(model='claude-sonnet-4-5')):
        agent = create_agent(model, tools=[get_weather]).with_config(tags=['agent'])
        async for ev in agent.astream_events(
            {'messages': [('user', 'Use the tool for Oslo')]},
            version='v2',
            include_types=['chat_model', 'tool'],
        ):
            if ev['event'].endswith('_stream'):
                continue
            out.append(
                [
                    ev['event'],
                    ev['name'],
                    sorted(ev['tags']),
                    show(ev['data']),
                    sorted(k for k in ev['metadata'] if not k.startswith('checkpoint')),
                ]
            )
    return out
""",
    ),
]
