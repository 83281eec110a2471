"""Cases from the five tutorials chatplex started from (../shared/seeds): every Python
block is either a case (adapted only as far as needed to run: a model line, a `main()`
returning what the block prints, top-level `await` moved into `main`, notebook magics
dropped, counts and sleeps made small, names a fragment takes from another block
defined) or listed with the reason it is not runnable."""

from __future__ import annotations

from compat_harness import Case

#: seed -> {python block number: "case <name>" | "not runnable: <why>"}
SEED_BLOCKS: dict[str, dict[int, str]] = {
    "000": {
        1: "case seed000_batch_two_replies",
        2: "not runnable: the printed output of block 1",
        3: "case seed000_batch_runnable_config",
        4: "case seed000_abatch_five",
    },
    "001": {
        1: "case seed001_astream_story",
        2: "case seed001_astream_events_v1",
        3: "case seed001_stream_vs_astream",
        4: "case seed001_gather_async_generators",
        5: "case seed001_streamlit_accumulate",
        6: "case seed001_fastapi_sse",
        7: "case seed001_batch_translate",
        8: "case seed001_abatch_translate",
        9: "case seed001_batch_max_concurrency",
        10: "case seed001_manual_batches",
        11: "case seed001_abatch_runnable_config",
        12: "case seed001_concurrency_levels",
        13: "case seed001_ainvoke_gather",
        14: "case seed001_async_context_manager",
        15: "case seed001_nested_event_loop",
        16: "not runnable: IPython's `%autoawait` magic and top-level await (notebook only)",
        17: "case seed001_batch_stream",
        18: "case seed001_parallel_streams",
        19: "case seed001_backpressure",
        20: "case seed001_progress_callback",
        21: "case seed001_wait_for_cancel",
        22: "case seed001_config_timeout",
    },
    "002": {
        1: "case seed002_chunked_batch",
        2: "case seed002_cached_batch",
        3: "case seed002_warmup",
        4: "case seed002_semaphore_abatch",
        5: "not runnable: langasync (a third-party Batch API wrapper, 24-hour jobs) "
        "is neither installed nor reachable offline",
        6: "case seed002_model_routing",
        7: "case seed002_optimize_prompt",
        8: "case seed002_llm_cache",
        9: "case seed002_smart_router",
        10: "not runnable: needs langasync's submit_batch (see block 5)",
        11: "case seed002_performance_monitor",
        12: "case seed002_cost_monitor",
        13: "case seed002_hybrid_batch",
        14: "case seed002_adaptive_batch",
        15: "case seed002_case_eval",
        16: "case seed002_case_large_dataset",
        17: "not runnable: needs langasync's submit_batch (see block 5)",
    },
    "003": {},  # its code is shown as images: no Python block
    "004": {
        1: "not runnable: a `%pip install` notebook magic",
        2: "case seed004_setup",
        3: "case seed004_chain_input_schema",
        4: "case seed004_prompt_input_schema",
        5: "case seed004_model_input_schema",
        6: "case seed004_chain_output_schema",
        7: "case seed004_stream",
        8: "case seed004_invoke",
        9: "case seed004_batch",
        10: "case seed004_batch_max_concurrency",
        11: "case seed004_astream",
        12: "case seed004_ainvoke",
        13: "case seed004_abatch",
        14: "case seed004_format_docs",
        15: "case seed004_some_tool",
        16: "case seed004_prompt_with_config",
        17: "case seed004_retrieval_chain",
        18: "case seed004_astream_events_include_names",
        19: "not runnable: TypedDict declarations documenting astream_log's state, no call",
        20: "case seed004_astream_log_patches",
        21: "case seed004_astream_log_state",
        22: "case seed004_parallel_setup",
        23: "case seed004_chain1_invoke",
        24: "case seed004_chain2_invoke",
        25: "case seed004_combined_invoke",
        26: "case seed004_chain1_batch",
        27: "case seed004_chain2_batch",
        28: "case seed004_combined_batch",
    },
}

_CHAT = """
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

chat = ChatOpenAI(model="gpt-4o-mini")
messages = [
    SystemMessage(content="You are a helpful assistant."),
    HumanMessage(content="Tell me a lighthearted joke about software engineers."),
]
"""

# Seed 001's chain (block 1), and the translation chain its batch blocks assume.
_STORY = """
import asyncio
import time

from langchain_core.messages import HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

prompt = ChatPromptTemplate.from_template("Write a story about {topic}")
model = ChatOpenAI(model="gpt-4o-mini")
parser = StrOutputParser()

chain = prompt | model | parser
"""

_TRANSLATE = """
import asyncio
import time

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableConfig
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini")
chain = (
    ChatPromptTemplate.from_template("Translate {text} into {language}")
    | model
    | StrOutputParser()
)
inputs = [
    {"text": "Hello", "language": "French"},
    {"text": "Goodbye", "language": "Spanish"},
    {"text": "Thank you", "language": "German"},
]
"""

# Seed 002 works on a `chain` of prompt | model over `{"query": ...}` inputs.
_QUERY = """
import asyncio
import hashlib
import json
import time

from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

chain = ChatPromptTemplate.from_template("Answer: {query}") | ChatOpenAI(model="gpt-4o-mini")
inputs = [{"query": f"question {i}"} for i in range(5)]
"""

# Seed 004's chain (block 2).
_JOKE = """
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

model = ChatOpenAI()
prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
chain = prompt | model
"""

_PARALLEL = (
    _JOKE
    + """
from langchain_core.runnables import RunnableParallel

chain1 = ChatPromptTemplate.from_template("给我讲个关于{topic}的笑话") | model
chain2 = (
    ChatPromptTemplate.from_template("写一个关于{topic}的短诗（两行）")
    | model
)
combined = RunnableParallel(joke=chain1, poem=chain2)
"""
)

# Seed 004 block 17's retrieval chain; FAISS and OpenAIEmbeddings (not installed, and no
# embeddings offline) are replaced by a retriever-like lambda named "Docs" as there.
_RETRIEVAL = (
    _JOKE
    + """
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

template = \"\"\"仅根据以下内容回答问题：
{context}

问题：{question}
\"\"\"
prompt = ChatPromptTemplate.from_template(template)

retriever = RunnableLambda(lambda query: [Document(page_content="harrison worked at kensho")])

retrieval_chain = (
    {
        "context": retriever.with_config(run_name="Docs"),
        "question": RunnablePassthrough(),
    }
    | prompt
    | model.with_config(run_name="my_llm")
    | StrOutputParser()
)
"""
)


SEED_CASES = [
    Case(
        "seed000_batch_two_replies",
        "seed 000 block 1",
        _CHAT
        + """
def main():
    synchronous_llm_result = chat.batch([messages] * 2)
    return synchronous_llm_result
""",
    ),
    Case(
        "seed000_batch_runnable_config",
        "seed 000 block 3",
        _CHAT
        + """
from langchain_core.runnables.config import RunnableConfig

def main():
    config = RunnableConfig(max_concurrency=5)
    results = chat.batch([messages, messages], config)
    return results
""",
    ),
    Case(
        "seed000_abatch_five",
        "seed 000 block 4",
        _CHAT
        + """
async def main():
    results = await chat.abatch([messages] * 5)
    return results
""",
    ),
    # ---- seed 001: LCEL streaming, events, batching, async --------------------------
    Case(
        "seed001_astream_story",
        "seed 001 block 1",
        _STORY
        + """
async def main():
    printed = []  # print(chunk, end="", flush=True)
    async for chunk in chain.astream({"topic": "a robot"}):
        printed.append(chunk)
        await asyncio.sleep(0.001)
    return "".join(printed)
""",
    ),
    Case(
        "seed001_astream_events_v1",
        "seed 001 block 2",
        _STORY
        + """
async def main():
    printed = []
    async for event in chain.astream_events({"topic": "quantum physics"}, version="v1"):
        kind = event["event"]
        if kind == "on_chat_model_start":
            printed.append("Model started")
        elif kind == "on_chat_model_stream":
            printed.append(event["data"]["chunk"].content)
        elif kind == "on_chat_model_end":
            printed.append("Model finished")
    return printed
""",
    ),
    Case(
        "seed001_stream_vs_astream",
        "seed 001 block 3",
        _STORY
        + """
def sync_stream():
    return "".join(chunk for chunk in chain.stream({"topic": "AI"}))

async def async_stream():
    return "".join([chunk async for chunk in chain.astream({"topic": "AI"})])

def main():
    return [sync_stream(), asyncio.run(async_stream())]
""",
    ),
    Case(
        "seed001_gather_async_generators",
        "seed 001 block 4",
        _STORY
        + """
async def concurrent_streams():
    tasks = [chain.astream({"topic": f"topic_{i}"}) for i in range(10)]
    results = await asyncio.gather(*tasks)  # async generators are not awaitable

async def main():
    try:
        await concurrent_streams()
    except TypeError as exc:
        return type(exc).__name__
""",
    ),
    Case(
        "seed001_streamlit_accumulate",
        "seed 001 block 5 (streamlit replaced by a recording stand-in)",
        _STORY
        + """
chain = ChatPromptTemplate.from_template("{input}") | model | parser

class _Placeholder:
    def __init__(self):
        self.shown = []
    def markdown(self, text):
        self.shown.append(text)

def main():
    user_input = "What is streaming?"
    response_placeholder = _Placeholder()
    full_response = ""
    for chunk in chain.stream({"input": user_input}):
        full_response += chunk
        response_placeholder.markdown(full_response + "▌")
    response_placeholder.markdown(full_response)
    return response_placeholder.shown[-1]  # what the page shows at the end
""",
    ),
    Case(
        "seed001_fastapi_sse",
        "seed 001 block 6 (served by FastAPI's TestClient)",
        _STORY
        + """
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

chain = ChatPromptTemplate.from_template("{input}") | model | parser
app = FastAPI()

@app.get("/stream")
async def stream_response(query: str):
    async def generate():
        async for chunk in chain.astream({"input": query}):
            yield f"data: {chunk}\\n\\n"

    return StreamingResponse(generate(), media_type="text/event-stream")

def main():
    with TestClient(app) as client:
        return client.get("/stream", params={"query": "hello there"}).text
""",
    ),
    Case(
        "seed001_batch_translate",
        "seed 001 block 7",
        _TRANSLATE
        + """
def main():
    results = chain.batch(inputs)
    return [f"{inp['text']} → {out}" for inp, out in zip(inputs, results)]
""",
    ),
    Case(
        "seed001_abatch_translate",
        "seed 001 block 8",
        _TRANSLATE
        + """
async def async_batch():
    results = await chain.abatch(inputs)
    return results

def main():
    return asyncio.run(async_batch())
""",
    ),
    Case(
        "seed001_batch_max_concurrency",
        "seed 001 block 9 (40 inputs, not 1000)",
        _TRANSLATE
        + """
large_inputs = [{"text": f"Text {i}", "language": "French"} for i in range(40)]

def main():
    return chain.batch(large_inputs, config={"max_concurrency": 10})
""",
    ),
    Case(
        "seed001_manual_batches",
        "seed 001 block 10 (25 inputs; 10 ms between batches, not 1 s)",
        _TRANSLATE
        + """
large_inputs = [{"text": f"Text {i}", "language": "French"} for i in range(25)]

def process_in_batches(inputs, batch_size=10):
    results = []
    for i in range(0, len(inputs), batch_size):
        batch = inputs[i:i+batch_size]
        batch_results = chain.batch(batch)
        results.extend(batch_results)
        time.sleep(0.01)
    return results

def main():
    return process_in_batches(large_inputs)
""",
    ),
    Case(
        "seed001_abatch_runnable_config",
        "seed 001 block 11",
        _TRANSLATE
        + """
async def main():
    config = RunnableConfig(max_concurrency=5)
    results = await chain.abatch(inputs, config=config)
    return results
""",
    ),
    Case(
        "seed001_concurrency_levels",
        "seed 001 block 12 (what each level returns, not how long it takes)",
        _TRANSLATE
        + """
async def test_concurrency(max_concurrency):
    config = RunnableConfig(max_concurrency=max_concurrency)
    return await chain.abatch(inputs * 10, config=config)

async def main():
    return [len(set(await test_concurrency(c))) for c in [1, 5, 10, 20]]
""",
    ),
    Case(
        "seed001_ainvoke_gather",
        "seed 001 block 13",
        _TRANSLATE
        + """
chain = ChatPromptTemplate.from_template("{text}") | model | StrOutputParser()

def sync_call():
    result = chain.invoke({"text": "Hello"})
    return result

async def async_call():
    result = await chain.ainvoke({"text": "Hello"})
    return result

async def concurrent_calls():
    tasks = [async_call() for _ in range(10)]
    results = await asyncio.gather(*tasks)
    return results

def main():
    return [sync_call(), asyncio.run(concurrent_calls())]
""",
    ),
    Case(
        "seed001_async_context_manager",
        "seed 001 block 14",
        _STORY
        + """
from contextlib import asynccontextmanager

@asynccontextmanager
async def llm_context():
    model = ChatOpenAI(model="gpt-4o-mini")
    try:
        yield model
    finally:
        pass

async def main():
    async with llm_context() as model:
        result = await model.ainvoke([HumanMessage(content="Hi")])
        return result.content
""",
    ),
    Case(
        "seed001_nested_event_loop",
        "seed 001 block 15",
        _STORY
        + """
chain = ChatPromptTemplate.from_template("{text}") | model | StrOutputParser()

async def nested_async():
    coro = chain.ainvoke({"text": "Hi"})
    try:
        return asyncio.run(coro)
    except RuntimeError as exc:
        coro.close()
        return str(exc)

async def proper_async():
    result = await chain.ainvoke({"text": "Hi"})
    return result

async def main():
    return [await nested_async(), await proper_async()]
""",
    ),
    Case(
        "seed001_batch_stream",
        "seed 001 block 17",
        _STORY
        + """
chain = ChatPromptTemplate.from_template("{text}") | model | StrOutputParser()

async def batch_stream():
    inputs = [{"text": f"Story {i}"} for i in range(3)]
    tasks = []
    for inp in inputs:
        async def process(input_data):
            result = ""
            async for chunk in chain.astream(input_data):
                result += chunk
            return result
        tasks.append(process(inp))
    results = await asyncio.gather(*tasks)
    return results

async def main():
    return await batch_stream()
""",
    ),
    Case(
        "seed001_parallel_streams",
        "seed 001 block 18",
        _STORY
        + """
async def parallel_streams():
    async def stream_one(topic):
        chunks = []
        async for chunk in chain.astream({"topic": topic}):
            chunks.append(chunk)
        return "".join(chunks)

    results = await asyncio.gather(
        stream_one("AI"),
        stream_one("quantum physics"),
        stream_one("space exploration")
    )
    return results

async def main():
    return await parallel_streams()
""",
    ),
    Case(
        "seed001_backpressure",
        "seed 001 block 19",
        _STORY
        + """
from collections.abc import AsyncIterator

async def controlled_stream(stream: AsyncIterator, max_buffer_size: int = 100) -> AsyncIterator:
    buffer = []
    async for chunk in stream:
        buffer.append(chunk)
        if len(buffer) >= max_buffer_size:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)

async def main():
    printed = []
    stream = chain.astream({"topic": "long story about a very patient robot"})
    async for batch in controlled_stream(stream, max_buffer_size=3):
        printed.append(f"Batch: {len(batch)} chars")
        await asyncio.sleep(0.001)
    return printed
""",
    ),
    Case(
        "seed001_progress_callback",
        "seed 001 block 20 (AsyncCallbackHandler from langchain_core: the langchain "
        "package is not installed)",
        _STORY
        + """
from langchain_core.callbacks.base import AsyncCallbackHandler

class ProgressCallback(AsyncCallbackHandler):
    def __init__(self):
        self.tokens = 0
        self.printed = []

    async def on_llm_new_token(self, token: str, **kwargs):
        self.tokens += 1
        if self.tokens % 2 == 0:
            self.printed.append(f"Progress: {self.tokens} tokens generated")

async def main():
    progress = ProgressCallback()
    result = await chain.ainvoke({"topic": "AI"}, config={"callbacks": [progress]})
    return [result, progress.printed]
""",
    ),
    Case(
        "seed001_wait_for_cancel",
        "seed 001 block 21",
        _STORY
        + """
async def cancellable_task():
    task = asyncio.create_task(chain.ainvoke({"topic": "long story"}))
    try:
        result = await asyncio.wait_for(task, timeout=5.0)
        return result
    except asyncio.TimeoutError:
        task.cancel()
        return None

async def main():
    return await cancellable_task()
""",
    ),
    Case(
        "seed001_config_timeout",
        "seed 001 block 22 (a reply well within the timeout)",
        _STORY
        + """
from langchain_core.runnables import RunnableConfig

chain = ChatPromptTemplate.from_template("{text}") | model | StrOutputParser()

async def main():
    config = RunnableConfig(timeout=10.0, max_concurrency=5)
    try:
        result = await chain.ainvoke({"text": "Hello"}, config=config)
    except TimeoutError:
        return "Request timed out"
    return result
""",
    ),
]

_CHUNKED = """
def chunked_batch(chain, inputs, chunk_size=100, max_concurrency=10):
    all_results = []
    total_chunks = (len(inputs) + chunk_size - 1) // chunk_size
    for chunk_idx in range(total_chunks):
        start = chunk_idx * chunk_size
        end = min(start + chunk_size, len(inputs))
        chunk = inputs[start:end]
        print(f"处理分片 {chunk_idx + 1}/{total_chunks}")
        chunk_results = chain.batch(chunk, config={"max_concurrency": max_concurrency})
        all_results.extend(chunk_results)
        if chunk_idx < total_chunks - 1:
            time.sleep(0.01)
    return all_results
"""

_CACHED = """
class CachedBatchProcessor:
    def __init__(self, chain, cache_size=1000):
        self.chain = chain
        self.cache = {}
        self.cache_size = cache_size

    def _hash_input(self, inp):
        inp_str = json.dumps(inp, sort_keys=True)
        return hashlib.md5(inp_str.encode()).hexdigest()

    def batch(self, inputs):
        results = []
        uncached_inputs = []
        uncached_indices = []
        for i, inp in enumerate(inputs):
            cache_key = self._hash_input(inp)
            if cache_key in self.cache:
                results.append(self.cache[cache_key])
            else:
                results.append(None)
                uncached_inputs.append(inp)
                uncached_indices.append(i)
        if uncached_inputs:
            uncached_results = self.chain.batch(uncached_inputs)
            for idx, result in zip(uncached_indices, uncached_results):
                results[idx] = result
                cache_key = self._hash_input(inputs[idx])
                self.cache[cache_key] = result
                if len(self.cache) > self.cache_size:
                    self.cache.pop(next(iter(self.cache)))
        return results
"""

SEED_CASES += [
    # ---- seed 002: batch optimisation ------------------------------------------------
    Case(
        "seed002_chunked_batch",
        "seed 002 block 1 (chunks of 2, 10 ms between chunks)",
        _QUERY
        + _CHUNKED
        + """
def main():
    return chunked_batch(chain, inputs, chunk_size=2, max_concurrency=2)
""",
    ),
    Case(
        "seed002_cached_batch",
        "seed 002 block 2",
        _QUERY
        + _CACHED
        + """
def main():
    processor = CachedBatchProcessor(chain, cache_size=3)
    first = processor.batch(inputs + inputs[:2])
    return [first, len(processor.cache)]
""",
    ),
    Case(
        "seed002_warmup",
        "seed 002 block 3",
        _QUERY
        + """
def warmup_chain(chain, sample_input):
    try:
        chain.invoke(sample_input)
        print("预热完成")
    except:
        pass

def main():
    warmup_chain(chain, {"query": "test"})
    results = chain.batch(inputs)
    return results
""",
    ),
    Case(
        "seed002_semaphore_abatch",
        "seed 002 block 4",
        _QUERY
        + """
async def optimized_abatch(chain, inputs, max_concurrency=100):
    semaphore = asyncio.Semaphore(max_concurrency)

    async def process_one(inp):
        async with semaphore:
            return await chain.ainvoke(inp)

    tasks = [process_one(inp) for inp in inputs]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    final_results = []
    for i, result in enumerate(results):
        if isinstance(result, Exception):
            print(f"任务 {i} 失败: {result}")
            final_results.append(None)
        else:
            final_results.append(result)
    return final_results

async def main():
    return await optimized_abatch(chain, inputs + ["not a dict"], max_concurrency=3)
""",
    ),
    Case(
        "seed002_model_routing",
        "seed 002 block 6",
        """
from langchain_openai import ChatOpenAI

cheap_llm = ChatOpenAI(model="gpt-4o-mini")
expensive_llm = ChatOpenAI(model="gpt-4")

def smart_batch(inputs):
    results = []
    for inp in inputs:
        if is_simple_task(inp):
            result = cheap_llm.invoke(inp)
        else:
            result = expensive_llm.invoke(inp)
        results.append(result)
    return results

def is_simple_task(inp):
    return len(str(inp)) < 100

def main():
    replies = smart_batch(["short", "long " * 30])
    return [(r.content, r.response_metadata["model_name"]) for r in replies]
""",
    ),
    Case(
        "seed002_optimize_prompt",
        "seed 002 block 7 (the optimised prompt then sent to the model)",
        _QUERY
        + """
def optimize_prompt(query, context):
    context = " ".join(context.split())
    max_context_length = 1000
    if len(context) > max_context_length:
        context = context[:max_context_length] + "..."
    prompt = f"Q: {query}\\nContext: {context}\\nA:"
    return prompt

def main():
    prompt = optimize_prompt("what is AI?", "  lots   of\\n context " * 200)
    return [len(prompt), ChatOpenAI(model="gpt-4o-mini").invoke(prompt).content[:40]]
""",
    ),
    Case(
        "seed002_llm_cache",
        "seed 002 block 8 (langchain_core's cache: the langchain package is not installed)",
        _QUERY
        + """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache

def main():
    set_llm_cache(InMemoryCache())
    try:
        result1 = chain.invoke({"query": "什么是 AI？"})
        result2 = chain.invoke({"query": "什么是 AI？"})
    finally:
        set_llm_cache(None)
    same = result1.id == result2.id
    return [result1.content, result2.content, "cached" if same else "sent twice"]
""",
    ),
    Case(
        "seed002_smart_router",
        "seed 002 block 9 (the _hash and _is_simple helpers it calls, defined)",
        _QUERY
        + """
class SmartRouter:
    def __init__(self):
        self.cheap_llm = ChatOpenAI(model="gpt-4o-mini")
        self.expensive_llm = ChatOpenAI(model="gpt-4")
        self.cache = {}

    def _hash(self, inp):
        return hashlib.md5(str(inp).encode()).hexdigest()

    def _is_simple(self, inp):
        return len(str(inp)) < 100

    def route(self, inp):
        cache_key = self._hash(inp)
        if cache_key in self.cache:
            return self.cache[cache_key]
        if self._is_simple(inp):
            result = self.cheap_llm.invoke(inp)
        else:
            result = self.expensive_llm.invoke(inp)
        self.cache[cache_key] = result
        return result

    def batch(self, inputs):
        return [self.route(inp) for inp in inputs]

def main():
    router = SmartRouter()
    return [router.batch(["hi", "hi", "x " * 80]), len(router.cache)]
""",
    ),
    Case(
        "seed002_performance_monitor",
        "seed 002 block 11",
        _QUERY
        + """
class PerformanceMonitor:
    def __init__(self):
        self.metrics = {"total_requests": 0, "total_time": 0, "cache_hits": 0, "cache_misses": 0}

    def batch(self, chain, inputs):
        start = time.time()
        results = chain.batch(inputs)
        duration = time.time() - start
        self.metrics["total_requests"] += len(inputs)
        self.metrics["total_time"] += duration
        self.print_stats()
        return results

    def print_stats(self):
        avg_latency = self.metrics["total_time"] / self.metrics["total_requests"]
        throughput = self.metrics["total_requests"] / self.metrics["total_time"]
        print(f"总请求数: {self.metrics['total_requests']}")
        print(f"平均延迟: {avg_latency:.3f}秒")
        print(f"吞吐量: {throughput:.2f} 请求/秒")

def main():
    monitor = PerformanceMonitor()
    return [monitor.batch(chain, inputs), monitor.metrics["total_requests"]]
""",
    ),
    Case(
        "seed002_cost_monitor",
        "seed 002 block 12",
        _QUERY
        + """
class CostMonitor:
    def __init__(self):
        self.total_cost = 0.0
        self.request_count = 0

    def estimate_cost(self, input_text, output_text):
        input_tokens = len(input_text.split()) * 1.3
        output_tokens = len(output_text.split()) * 1.3
        input_cost = (input_tokens / 1000000) * 0.15
        output_cost = (output_tokens / 1000000) * 0.60
        return input_cost + output_cost

    def batch(self, chain, inputs):
        results = chain.batch(inputs)
        for inp, result in zip(inputs, results):
            cost = self.estimate_cost(str(inp), result.content)
            self.total_cost += cost
            self.request_count += 1
        print(f"总成本: ${self.total_cost:.4f}")
        print(f"平均成本: ${self.total_cost / self.request_count:.4f}/请求")
        return results

def main():
    monitor = CostMonitor()
    monitor.batch(chain, inputs)
    return [round(monitor.total_cost, 12), monitor.request_count]
""",
    ),
    Case(
        "seed002_hybrid_batch",
        "seed 002 block 13 (langasync absent: the real-time path)",
        _QUERY
        + """
class HybridBatchProcessor:
    def __init__(self, chain):
        self.chain = chain
        try:
            from langasync import wrap_chain
            self.async_chain = wrap_chain(chain)
            self.langasync_available = True
        except ImportError:
            self.langasync_available = False

    def batch(self, inputs, use_batch_api=False):
        if use_batch_api and self.langasync_available:
            job = self.async_chain.submit_batch(inputs)
            return job.wait()
        else:
            return self.chain.batch(inputs)

def main():
    processor = HybridBatchProcessor(chain)
    return [processor.langasync_available, processor.batch(inputs, use_batch_api=True)]
""",
    ),
    Case(
        "seed002_adaptive_batch",
        "seed 002 block 14",
        _QUERY
        + """
class AdaptiveBatchProcessor:
    def __init__(self, chain):
        self.chain = chain
        self.concurrency = 10
        self.success_rate = []

    def batch(self, inputs):
        try:
            results = self.chain.batch(inputs, config={"max_concurrency": self.concurrency})
            self.success_rate.append(1)
            self.adjust_concurrency(success=True)
            return results
        except Exception as e:
            self.success_rate.append(0)
            self.adjust_concurrency(success=False)
            raise

    def adjust_concurrency(self, success):
        if success and len(self.success_rate) > 10:
            recent_success = sum(self.success_rate[-10:]) / 10
            if recent_success > 0.95:
                self.concurrency = min(self.concurrency + 2, 50)
        elif not success:
            self.concurrency = max(self.concurrency - 2, 5)

def main():
    processor = AdaptiveBatchProcessor(chain)
    outcomes = []
    for batch in (inputs, [{"wrong key": 1}], inputs):
        try:
            outcomes.append(processor.batch(batch))
        except Exception as exc:
            outcomes.append(type(exc).__name__)
    return [outcomes, processor.concurrency, processor.success_rate]
""",
    ),
    Case(
        "seed002_case_eval",
        "seed 002 block 15 (with block 2's processor)",
        _QUERY
        + _CACHED
        + """
eval_data = inputs + inputs

def main():
    results = chain.batch(eval_data)
    cached_processor = CachedBatchProcessor(chain)
    optimised = cached_processor.batch(eval_data)
    return [results, optimised]
""",
    ),
    Case(
        "seed002_case_large_dataset",
        "seed 002 block 16 (with block 1's chunked_batch; 12 inputs, not 10,000)",
        _QUERY
        + _CHUNKED
        + """
large_dataset = [{"query": f"item {i}"} for i in range(12)]

def main():
    results = chain.batch(large_dataset)
    chunked = chunked_batch(chain, large_dataset, chunk_size=5)
    return [results, chunked]
""",
    ),
    # ---- seed 004: the Runnable interface ---------------------------------------------
    Case(
        "seed004_setup",
        "seed 004 block 2",
        _JOKE
        + """
def main():
    return [type(chain).__name__, model.get_name(), chain.invoke({"topic": "bears"})]
""",
    ),
    Case(
        "seed004_chain_input_schema",
        "seed 004 block 3 (model_json_schema(): .schema() is pydantic v1's)",
        _JOKE
        + """
def main():
    return chain.input_schema.model_json_schema()
""",
    ),
    Case(
        "seed004_prompt_input_schema",
        "seed 004 block 4",
        _JOKE
        + """
def main():
    return prompt.input_schema.model_json_schema()
""",
    ),
    Case(
        "seed004_model_input_schema",
        "seed 004 block 5 (its title and kinds of input)",
        _JOKE
        + """
def main():
    schema = model.input_schema.model_json_schema()
    return [schema["title"], len(schema["anyOf"])]
""",
    ),
    Case(
        "seed004_chain_output_schema",
        "seed 004 block 6 (its title)",
        _JOKE
        + """
def main():
    return chain.output_schema.model_json_schema()["title"]
""",
    ),
    Case(
        "seed004_stream",
        "seed 004 block 7",
        _JOKE
        + """
def main():
    return [s.content for s in chain.stream({"topic": "bears"})]
""",
    ),
    Case(
        "seed004_invoke",
        "seed 004 block 8",
        _JOKE
        + """
def main():
    return chain.invoke({"topic": "bears"})
""",
    ),
    Case(
        "seed004_batch",
        "seed 004 block 9",
        _JOKE
        + """
def main():
    return chain.batch([{"topic": "bears"}, {"topic": "cats"}])
""",
    ),
    Case(
        "seed004_batch_max_concurrency",
        "seed 004 block 10",
        _JOKE
        + """
def main():
    return chain.batch([{"topic": "bears"}, {"topic": "cats"}], config={"max_concurrency": 5})
""",
    ),
    Case(
        "seed004_astream",
        "seed 004 block 11",
        _JOKE
        + """
async def main():
    return [s.content async for s in chain.astream({"topic": "bears"})]
""",
    ),
    Case(
        "seed004_ainvoke",
        "seed 004 block 12",
        _JOKE
        + """
async def main():
    return await chain.ainvoke({"topic": "bears"})
""",
    ),
    Case(
        "seed004_abatch",
        "seed 004 block 13",
        _JOKE
        + """
async def main():
    return await chain.abatch([{"topic": "bears"}])
""",
    ),
    Case(
        "seed004_format_docs",
        "seed 004 block 14",
        """
from typing import List

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

def format_docs(docs: List[Document]) -> str:
    '''格式化docs。'''
    return ", ".join([doc.page_content for doc in docs])

format_docs = RunnableLambda(format_docs)

def main():
    docs = [Document(page_content="hello world!"), Document(page_content="goodbye world!")]
    return [format_docs.get_name(), format_docs.invoke(docs)]
""",
    ),
    Case(
        "seed004_some_tool",
        "seed 004 block 15 (`@工具` is the translated `@tool`)",
        """
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

@tool
def some_tool(x: int, y: str) -> dict:
    '''some_tool。'''
    return {"x": x, "y": y}

def main():
    reply = ChatOpenAI(model="gpt-4o-mini").bind_tools([some_tool]).invoke("use the tool")
    return [reply.tool_calls[0]["name"], some_tool.invoke(reply.tool_calls[0]["args"])]
""",
    ),
    Case(
        "seed004_prompt_with_config",
        "seed 004 block 16",
        """
from langchain_core.prompts import ChatPromptTemplate

template = ChatPromptTemplate.from_messages(
    [("system", "You are Cat Agent 007"), ("human", "{question}")]
).with_config({"run_name": "my_template", "tags": ["my_template"]})

def main():
    return template.invoke({"question": "hello"})
""",
    ),
    Case(
        "seed004_retrieval_chain",
        "seed 004 block 17 (a lambda named Docs in place of FAISS)",
        _RETRIEVAL
        + """
def main():
    return retrieval_chain.invoke("where did harrison work?")
""",
    ),
    Case(
        "seed004_astream_events_include_names",
        "seed 004 block 18",
        _RETRIEVAL
        + """
async def main():
    printed = []
    async for event in retrieval_chain.astream_events(
        "where did harrison work?", version="v1", include_names=["Docs", "my_llm"]
    ):
        kind = event["event"]
        if kind == "on_chat_model_stream":
            printed.append(event["data"]["chunk"].content + "|")
        elif kind in {"on_chat_model_start"}:
            printed.append("Streaming LLM:")
        elif kind in {"on_chat_model_end"}:
            printed.append("Done streaming LLM.")
        elif kind == "on_retriever_end":
            printed.append(event["data"]["output"]["documents"])
        elif kind == "on_tool_end":
            printed.append(f"Ended tool: {event['name']}")
    return printed
""",
    ),
    Case(
        "seed004_astream_log_patches",
        "seed 004 block 20 (the paths of each patch's operations)",
        _RETRIEVAL
        + """
async def main():
    paths = []
    async for chunk in retrieval_chain.astream_log(
        "where did harrison work?", include_names=["Docs"]
    ):
        paths.append([(op["op"], op["path"]) for op in chunk.ops])
    return paths
""",
    ),
    Case(
        "seed004_astream_log_state",
        "seed 004 block 21 (the last state's output and logged runs)",
        _RETRIEVAL
        + """
async def main():
    states = []
    async for chunk in retrieval_chain.astream_log(
        "where did harrison work?", include_names=["Docs"], diff=False
    ):
        states.append(chunk)
    last = states[-1].state
    return [last["final_output"], sorted(last["logs"]), last["streamed_output"]]
""",
    ),
    Case(
        "seed004_parallel_setup",
        "seed 004 block 22",
        _PARALLEL
        + """
def main():
    return [type(combined).__name__, sorted(combined.invoke({"topic": "熊"}))]
""",
    ),
    Case(
        "seed004_chain1_invoke",
        "seed 004 block 23 (without the %%time magic)",
        _PARALLEL
        + """
def main():
    return chain1.invoke({"topic": "熊"})
""",
    ),
    Case(
        "seed004_chain2_invoke",
        "seed 004 block 24 (without the %%time magic)",
        _PARALLEL
        + """
def main():
    return chain2.invoke({"topic": "熊"})
""",
    ),
    Case(
        "seed004_combined_invoke",
        "seed 004 block 25 (without the %%time magic)",
        _PARALLEL
        + """
def main():
    return combined.invoke({"topic": "熊"})
""",
    ),
    Case(
        "seed004_chain1_batch",
        "seed 004 block 26 (without the %%time magic)",
        _PARALLEL
        + """
def main():
    return chain1.batch([{"topic": "熊"}, {"topic": "猫"}])
""",
    ),
    Case(
        "seed004_chain2_batch",
        "seed 004 block 27 (without the %%time magic)",
        _PARALLEL
        + """
def main():
    return chain2.batch([{"topic": "熊"}, {"topic": "猫"}])
""",
    ),
    Case(
        "seed004_combined_batch",
        "seed 004 block 28 (without the %%time magic)",
        _PARALLEL
        + """
def main():
    return combined.batch([{"topic": "熊"}, {"topic": "猫"}])
""",
    ),
]
