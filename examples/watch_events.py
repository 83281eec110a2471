"""Watch a chain work: every step's start and end, and the model's tokens as they stream.

The chain looks up some notes (a stand-in retriever that reports its progress with a
custom event), fills a prompt, asks the model and parses the reply to text. Its
`astream_events` stream is printed as it arrives: the retriever's results, the model's
start, each token the moment it comes off the wire, the model's end with its usage.

With no configuration it starts the embedded mock server (127.0.0.1, speaking the OpenAI
and Anthropic wire protocols) and watches the chain on both, so it needs no API key. Set
CHATPLEX_MODEL (e.g. "openai:gpt-4o-mini") and the provider's key to watch a real model.

    python examples/watch_events.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from chatplex import ChatPromptTemplate
from chatplex import Runnable
from chatplex import RunnableLambda
from chatplex import RunnablePassthrough
from chatplex import StrOutputParser
from chatplex import adispatch_custom_event
from chatplex import init_chat_model
from chatplex.testing import MockServer

# The mock answers after LATENCY seconds and streams a word every CHUNK_DELAY seconds,
# slow enough to see the tokens arrive one by one.
LATENCY = 0.2
CHUNK_DELAY = 0.06

NOTES = {
    "events": "astream_events yields a dict per step: start, stream pieces, end.",
    "tokens": "on_chat_model_stream carries one AIMessageChunk per token.",
    "tags": "A sequence's steps are tagged seq:step:1, seq:step:2, ...",
}


async def find_notes(question: str) -> list[str]:
    """A stand-in retriever: the notes whose keyword appears in the question."""
    found = [text for word, text in NOTES.items() if word in question.lower()]
    await adispatch_custom_event("notes_searched", {"searched": len(NOTES), "found": len(found)})
    return found


def build_chain(model: Runnable[Any, Any]) -> Runnable[Any, str]:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "Answer briefly. Notes:\n{notes}"),
            ("human", "{question}"),
        ]
    )
    retriever = RunnableLambda(find_notes, name="notes_retriever")
    with_notes = RunnablePassthrough.assign(notes=(lambda x: x["question"]) | retriever)
    return with_notes | prompt | model | StrOutputParser()


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


async def watch(
    chain: Runnable[Any, str], question: str, write: Callable[[str], None] = _write
) -> str:
    """Print what the chain does while it does it; return the reply's text."""
    start = time.perf_counter()
    reply: list[str] = []

    def at() -> str:
        return f"+{time.perf_counter() - start:5.2f}s"

    async for event in chain.astream_events({"question": question}, version="v2"):
        kind, name = event["event"], event["name"]
        if kind == "on_chain_end" and name == "notes_retriever":
            notes = event["data"]["output"]
            write(f"{at()} [retriever] {len(notes)} note(s):\n")
            for note in notes:
                write(f"          - {note}\n")
        elif kind == "on_custom_event" and name == "notes_searched":
            write(f"{at()} [progress] searched {event['data']['searched']} notes\n")
        elif kind == "on_chat_model_start":
            messages = event["data"]["input"]["messages"][0]
            tags = ", ".join(event["tags"])
            write(f"{at()} [model start] {name} ({tags}) with {len(messages)} messages\n")
            write(f"{at()} [tokens] ")
        elif kind == "on_chat_model_stream":
            text = event["data"]["chunk"].text
            if text:
                reply.append(text)
                write(text)
        elif kind == "on_chat_model_end":
            usage = event["data"]["output"].usage_metadata
            write(f"\n{at()} [model end] {len(reply)} tokens, usage {usage}\n")
        elif kind == "on_chain_end" and not event["parent_ids"]:
            write(f"{at()} [chain end] {len(event['data']['output'])} characters\n")
    return "".join(reply)


def main() -> None:
    question = "How do I see tokens and events as they stream?"
    configured = os.environ.get("CHATPLEX_MODEL")
    if configured:
        asyncio.run(watch(build_chain(init_chat_model(configured)), question))
        return
    with MockServer(latency=LATENCY, chunk_delay=CHUNK_DELAY) as server:
        print(f"embedded mock server on {server.url} (no API key needed)")
        models = {
            "OpenAI Chat Completions wire": init_chat_model(
                "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="mock-key"
            ),
            "Anthropic Messages wire": init_chat_model(
                "anthropic:claude-sonnet-4-5",
                base_url=server.anthropic_base_url,
                api_key="mock-key",
            ),
        }
        for label, model in models.items():
            print(f"\n== {label}: {model!r}")
            asyncio.run(watch(build_chain(model), question))


if __name__ == "__main__":
    main()
