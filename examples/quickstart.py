"""chatplex quickstart: invoke, batch, stream and abatch over real HTTP.

With no configuration it starts the embedded mock server (127.0.0.1, speaking the OpenAI
and Anthropic wire protocols) and runs every step against both providers' adapters, so it
needs no API key. Set CHATPLEX_MODEL (e.g. "openai:gpt-4o-mini") and the provider's key to
run the same steps against the real provider.

    python examples/quickstart.py
"""

from __future__ import annotations

import asyncio
import os
import time

from chatplex import ChatModel
from chatplex import ChatPromptTemplate
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.testing import MockServer

# The mock answers after LATENCY seconds and streams a word every CHUNK_DELAY seconds,
# so concurrency and incremental streaming are visible in the timings below.
LATENCY = 0.25
CHUNK_DELAY = 0.08


def show_invoke(model: ChatModel) -> None:
    reply = model.invoke("Say hello to a new chatplex user.")
    print(f"  invoke      -> {reply.text!r}")
    print(f"                 usage {reply.usage_metadata}")


def show_batch(model: ChatModel) -> None:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You write short social media posts."),
            ("human", "Write candidate #{n} announcing {product}."),
        ]
    )
    chain = prompt | model | StrOutputParser()
    inputs = [{"n": i + 1, "product": "chatplex 0.1"} for i in range(5)]
    start = time.perf_counter()
    posts = chain.batch(inputs, config={"max_concurrency": 5})
    elapsed = time.perf_counter() - start
    print(f"  batch x5    -> {elapsed:.2f}s for 5 candidates (one call takes >= {LATENCY}s)")
    for post in posts:
        print(f"                 {post}")


def show_stream(model: ChatModel) -> None:
    chain = ChatPromptTemplate.from_template("Tell me about {topic}") | model | StrOutputParser()
    print("  stream      ->", flush=True)
    start = time.perf_counter()
    for piece in chain.stream({"topic": "streaming over server-sent events"}):
        print(f"                 +{time.perf_counter() - start:5.2f}s {piece!r}", flush=True)


async def show_abatch(model: ChatModel) -> None:
    questions = [f"Question number {i}" for i in range(20)]
    start = time.perf_counter()
    replies = await model.abatch(questions, config={"max_concurrency": 20})
    elapsed = time.perf_counter() - start
    assert len(replies) == 20
    print(
        f"  abatch x20  -> {elapsed:.2f}s wall for 20 calls "
        f"(sequential would be >= {20 * LATENCY:.1f}s)"
    )


def run_all(label: str, model: ChatModel) -> None:
    print(f"\n== {label}: {model!r}")
    show_invoke(model)
    show_batch(model)
    show_stream(model)
    asyncio.run(show_abatch(model))


def main() -> None:
    configured = os.environ.get("CHATPLEX_MODEL")
    if configured:
        run_all(configured, init_chat_model(configured))
        return
    with MockServer(latency=LATENCY, chunk_delay=CHUNK_DELAY) as server:
        print(f"embedded mock server on {server.url} (no API key needed)")
        openai = init_chat_model(
            "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="mock-key"
        )
        anthropic = init_chat_model(
            "anthropic:claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="mock-key"
        )
        run_all("OpenAI Chat Completions wire", openai)
        run_all("Anthropic Messages wire", anthropic)


if __name__ == "__main__":
    main()
