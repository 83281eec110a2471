"""The call `make compat-install` runs in each fresh environment (.ci/compat_install.py).

Run with that environment's Python from a folder outside the checkout, so the chatplex
imported is the installed wheel. It uses what each required dependency is there for --
httpx and aiohttp (sync and async calls, a stream), pydantic (a structured reply),
tenacity (loaded by every call), genai-prices (a priced reply), tqdm (a bulk run's progress
bar) -- against the embedded mock server; then, with the `langchain` extra, the border
with langchain-core (chatplex's messages as LangChain's, a drop-in's call, a chatplex
model piped into LangChain's parser); and prints one line of versions and "ok".
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

import chatplex
from chatplex import bulk
from chatplex import init_chat_model
from chatplex import track_usage
from chatplex.testing import MockRequest
from chatplex.testing import MockServer

DEPENDENCIES = (
    "httpx",
    "aiohttp",
    "aiohappyeyeballs",
    "pydantic",
    "tenacity",
    "typing_extensions",
    "genai-prices",
    "tqdm",
    "langchain-core",
    "tiktoken",
)


class Answer(BaseModel):
    text: str


def lookup(city: str, unit: Literal["c", "f"] = "c") -> str:
    """Look up the weather (a tool whose annotations are text: this module's future import)."""
    return city


def _first_again_fails(seen: list[str]) -> Callable[[MockRequest], str | None]:
    """A fault plan: the first request saying "again" gets a 503, later ones the reply."""

    def plan(request: MockRequest) -> str | None:
        if "again" in str(request.json) and not seen:
            seen.append(request.path)
            return "status=503"
        return None

    return plan


def check_langchain_border(base_url: str) -> None:
    """chatplex beside langchain-core and pydantic at the versions installed: its messages
    pass LangChain's `isinstance` and equality either side, a drop-in answers as a
    LangChain chat model (a structured reply too), and a chatplex model pipes into
    LangChain's parser."""
    from langchain_core import messages as lc
    from langchain_core.output_parsers import StrOutputParser

    from chatplex.langchain import ChatOpenAI

    ours = chatplex.HumanMessage("hi")
    assert isinstance(ours, lc.HumanMessage) and isinstance(ours, lc.BaseMessage), type(ours)
    assert ours == lc.HumanMessage("hi") and lc.HumanMessage("hi") == ours
    dropin = ChatOpenAI(model="gpt-4o-mini", base_url=base_url, api_key="sk-t")
    reply = dropin.invoke([lc.HumanMessage("hi")])
    assert type(reply) is lc.AIMessage and reply.content == "Echo: hi", reply
    structured = dropin.with_structured_output(Answer).invoke("Say anything")
    assert isinstance(structured, Answer), structured
    own = init_chat_model("openai:gpt-4o-mini", base_url=base_url, api_key="sk-t")
    assert (own | StrOutputParser()).invoke("tea") == "Echo: tea"


def main() -> None:
    here = Path(chatplex.__file__).resolve()
    assert "site-packages" in here.parts, f"chatplex imported from the checkout: {here}"
    failed: list[str] = []
    with MockServer(fault_plan=_first_again_fails(failed)) as server:
        openai = init_chat_model(
            "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-t"
        )
        claude = init_chat_model(
            "anthropic:claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="sk-t"
        )
        with track_usage() as usage:
            assert openai.invoke("hi").text == "Echo: hi"
            assert claude.invoke("ho").text == "Echo: ho"
        assert usage.total.requests == 2 and usage.cost > 0, usage  # priced by genai-prices
        streamed = "".join(chunk.text for chunk in openai.stream("one two"))
        assert streamed == "Echo: one two", streamed
        replies = asyncio.run(claude.abatch(["a", "b"]))
        assert [r.text for r in replies] == ["Echo: a", "Echo: b"]
        # A structured reply (pydantic): the mock returns the tool call it was asked for.
        structured = openai.with_structured_output(Answer).invoke("Say anything")
        assert isinstance(structured, Answer), structured
        # A tool from a function (pydantic's schema of its arguments).
        assert openai.bind_tools([lookup]).invoke("weather?").text, "no reply"
        # A config schema (pydantic's create_model), a spec of no declared type included.
        field = chatplex.ConfigurableField(id="t")
        schema = openai.configurable_fields(temperature=field).config_schema()
        assert "configurable" in schema.model_json_schema()["properties"], schema
        # A retried call: one 503, then the reply.
        retrying = init_chat_model(
            "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-t", max_retries=2
        )
        assert retrying.invoke("again").text == "Echo: again" and failed, failed
        # A bulk run with its progress bar (tqdm), drawn to a buffer.
        with tempfile.TemporaryDirectory() as folder:
            rows, out = Path(folder, "rows.jsonl"), Path(folder, "out.jsonl")
            rows.write_text('{"id": "1", "prompt": "tea"}\n', encoding="utf-8")
            bulk.run(openai, rows, output=out, progress=True, progress_file=io.StringIO())
            assert json.loads(out.read_text(encoding="utf-8"))["text"] == "Echo: tea"
        check_langchain_border(server.openai_base_url)
    found = " ".join(f"{name} {version(name)}" for name in DEPENDENCIES)
    print(f"Python {sys.version.split()[0]}: {found}: ok")


if __name__ == "__main__":
    main()
