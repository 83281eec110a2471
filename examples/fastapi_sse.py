"""A FastAPI endpoint that streams a model's reply as Server-Sent Events.

`GET /chat?q=...` answers `text/event-stream`: one `data: {"text": ...}` event per piece,
then `data: [DONE]`; a provider failure mid-way becomes an `event: error`.

    python examples/fastapi_sse.py            # serve on a free port, call it once, stop
    python examples/fastapi_sse.py --serve    # serve on http://127.0.0.1:8000 until Ctrl-C
    curl -N 'http://127.0.0.1:8000/chat?q=hello'

Needs the `examples` extra: pip install 'chatplex[examples]'.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn
from _demo import demo_config
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from chatplex import ChatPromptTemplate
from chatplex import Runnable
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.errors import APIError

PROMPT = ChatPromptTemplate.from_messages(
    [("system", "You are a concise assistant."), ("human", "{question}")]
)


def sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def create_app(model: Runnable[Any, Any]) -> FastAPI:
    chain = PROMPT | model | StrOutputParser()
    app = FastAPI(title="chatplex SSE example")

    @app.get("/chat")
    async def chat(q: str) -> StreamingResponse:
        async def events() -> AsyncIterator[str]:
            try:
                async for piece in chain.astream({"question": q}):
                    if piece:  # text-less chunks (role, usage, finish) parse to ""
                        yield sse({"text": piece})
            except APIError as exc:  # the status is already sent: report it in-band
                yield sse({"message": exc.message, "type": exc.error_type}, event="error")
                return
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def call_once(port: int) -> None:
    url = f"http://127.0.0.1:{port}/chat"
    start = time.perf_counter()
    # A stream's first event waits for the model's first token: httpx's default 5 s read
    # timeout is for quick replies, so this client waits longer between events.
    timeout = httpx.Timeout(5.0, read=60.0)
    question = {"q": "What is Server-Sent Events?"}
    with httpx.stream("GET", url, params=question, timeout=timeout) as response:
        print(f"GET /chat -> {response.status_code} {response.headers['content-type']}")
        for line in response.iter_lines():
            if line:
                print(f"  +{time.perf_counter() - start:4.2f}s {line}")


def main() -> None:
    with demo_config(chunk_delay=0.05):
        app = create_app(init_chat_model())
        if "--serve" in sys.argv:
            uvicorn.run(app, host="127.0.0.1", port=8000)
            return
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        thread = threading.Thread(target=server.run)
        thread.start()
        try:
            while not server.started and thread.is_alive():
                time.sleep(0.01)
            call_once(server.servers[0].sockets[0].getsockname()[1])
        finally:
            server.should_exit = True
            thread.join()


if __name__ == "__main__":
    main()
