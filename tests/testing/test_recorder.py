"""The cassette recorder: record against a "real provider" (the embedded MockServer standing
in for it), replay with that server stopped, scrub keys, fail clearly when it cannot replay."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.testing import Cassette
from chatplex.testing import CassetteMismatchError
from chatplex.testing import CassetteNotFoundError
from chatplex.testing import MockServer

pytest_plugins = ["pytester"]

SENTINEL_OPENAI = "sk-SENTINEL-openai-0123456789"
SENTINEL_ANTHROPIC = "sk-ant-SENTINEL-anthropic-0123456789"
INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


@pytest.fixture
def provider_env(monkeypatch: pytest.MonkeyPatch, server: MockServer) -> MockServer:
    """Point both providers at the mock server through the environment, with sentinel keys,
    as a user's real setup points them at the real APIs."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.anthropic_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL_OPENAI)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SENTINEL_ANTHROPIC)
    monkeypatch.delenv("CHATPLEX_RECORD", raising=False)
    return server


def models() -> list[ChatModel]:
    return [
        init_chat_model("openai:gpt-4o-mini", max_retries=0),
        init_chat_model("anthropic:claude-sonnet-4-5", max_retries=0),
    ]


async def exercise() -> list[Any]:
    """invoke, stream and a concurrent abatch on both providers."""
    seen: list[Any] = []
    for model in models():
        seen.append(model.invoke("hello there").text)
        seen.append([c.text for c in model.stream("stream please") if c.text])
        replies = await model.abatch([f"row {i}" for i in range(4)])
        seen.append([r.text for r in replies])
    return seen


async def test_record_then_replay_with_the_server_stopped(
    provider_env: MockServer, tmp_path: Path
) -> None:
    with Cassette("both", tmp_path, mode="record") as cassette:
        recorded = await exercise()
    assert cassette.recording and cassette.exchanges == 12
    assert recorded[0] == "Echo: hello there"
    assert provider_env.stats.requests == 12
    provider_env.stop()

    with Cassette("both", tmp_path) as replay:  # CHATPLEX_RECORD unset: replay
        assert replay.mode == "replay"
        assert await exercise() == recorded
    assert replay.exchanges == 12


async def test_files_follow_the_wire_corpus_format_and_hold_no_secret(
    provider_env: MockServer, tmp_path: Path
) -> None:
    with Cassette("formats", tmp_path, mode="record"):
        await exercise()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 24
    assert "formats-0.json" in files and "formats-0.meta.json" in files
    kinds = {}
    for meta_path in tmp_path.glob("*.meta.json"):
        meta = json.loads(meta_path.read_text())
        body = (tmp_path / meta["body_file"]).read_bytes()
        kinds[(meta["provider"], meta["kind"])] = body
        assert meta["status"] == 200 and meta["body_fidelity"] == "verbatim"
        assert meta["request"]["method"] == "POST"
        assert isinstance(meta["request"]["body"]["messages"], list)
        headers = meta["request"]["headers"]
        assert headers.get("authorization", headers.get("x-api-key")) == "<scrubbed>"
    assert set(kinds) == {
        ("openai", "json"),
        ("openai", "sse"),
        ("anthropic", "json"),
        ("anthropic", "sse"),
    }
    assert kinds[("openai", "sse")].endswith(b"data: [DONE]\n\n")
    assert b"event: message_stop" in kinds[("anthropic", "sse")]
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert b"SENTINEL" not in data, path.name


def test_keys_in_bodies_and_urls_are_scrubbed_too(provider_env: MockServer, tmp_path: Path) -> None:
    model = init_chat_model("openai:gpt-4o-mini", user=SENTINEL_OPENAI)
    with Cassette("leaky", tmp_path, mode="record"):
        model.invoke(f"my key is {SENTINEL_OPENAI}")
    text = (tmp_path / "leaky-0.meta.json").read_text() + (tmp_path / "leaky-0.json").read_text()
    assert "SENTINEL" not in text and text.count("<scrubbed>") >= 3


async def test_a_header_the_model_marks_secret_is_scrubbed_whatever_its_name(
    provider_env: MockServer, tmp_path: Path
) -> None:
    """A header named like nothing (`x-tenant`) that the model marks `secret_headers=`
    is a credential as its errors and logs show it: no cassette file holds its value."""
    pass_ = "tenant-SENTINEL-4c1e9a"
    model = init_chat_model(
        "openai:gpt-4o-mini",
        default_headers={"x-tenant": pass_},
        secret_headers=("x-tenant",),
        max_retries=0,
    )
    with Cassette("marked", tmp_path, mode="record"):
        model.invoke("sync")
        await model.ainvoke("async")
        assert [c async for c in model.astream("stream")]
    for meta_path in tmp_path.glob("*.meta.json"):
        assert json.loads(meta_path.read_text())["request"]["headers"]["x-tenant"] == "<scrubbed>"
    for path in tmp_path.iterdir():
        assert b"SENTINEL" not in path.read_bytes(), path.name


def test_missing_cassette_says_how_to_record(tmp_path: Path) -> None:
    with pytest.raises(CassetteNotFoundError, match="CHATPLEX_RECORD=1"):
        Cassette("never", tmp_path).start()


def test_record_env_chooses_the_mode(
    monkeypatch: pytest.MonkeyPatch, provider_env: MockServer, tmp_path: Path
) -> None:
    monkeypatch.setenv("CHATPLEX_RECORD", "1")
    with Cassette("env", tmp_path) as first:
        init_chat_model("openai:gpt-4o-mini").invoke("one")
    assert first.mode == "record"
    with Cassette("env", tmp_path) as second:  # exists now: replayed even with =1
        init_chat_model("openai:gpt-4o-mini").invoke("one")
    assert second.mode == "replay"
    monkeypatch.setenv("CHATPLEX_RECORD", "all")
    with Cassette("env", tmp_path) as third:
        init_chat_model("openai:gpt-4o-mini").invoke("two")
    assert third.mode == "record"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env-0.json", "env-0.meta.json"]


def test_replay_refuses_what_was_not_recorded(provider_env: MockServer, tmp_path: Path) -> None:
    model = init_chat_model("openai:gpt-4o-mini", max_retries=0)
    with Cassette("strict", tmp_path, mode="record"):
        model.invoke("recorded prompt")
    provider_env.stop()
    with Cassette("strict", tmp_path):
        with pytest.raises(CassetteMismatchError, match="differs in: messages"):
            model.invoke("another prompt")
        assert model.invoke("recorded prompt").text == "Echo: recorded prompt"
        with pytest.raises(CassetteMismatchError, match="replayed already"):
            model.invoke("recorded prompt")
        anthropic = init_chat_model(
            "anthropic:claude-sonnet-4-5", base_url="https://api.anthropic.com", max_retries=0
        )
        with pytest.raises(CassetteMismatchError, match="no recording for POST"):
            anthropic.invoke("hi")


def test_match_body_false_replays_in_order(provider_env: MockServer, tmp_path: Path) -> None:
    model = init_chat_model("openai:gpt-4o-mini")
    with Cassette("ordered", tmp_path, mode="record"):
        model.invoke("a")
        model.invoke("b")
    with Cassette("ordered", tmp_path, match_body=False):
        assert [model.invoke("x").text, model.invoke("y").text] == ["Echo: a", "Echo: b"]


INNER = """
import pytest
from chatplex import init_chat_model

@pytest.mark.chatplex_cassette("greeting")
def test_greeting():
    reply = init_chat_model("openai:gpt-4o-mini", max_retries=0).invoke("Say hi")
    assert reply.text == "Echo: Say hi"

def test_fixture_default_name(chatplex_cassette):
    model = init_chat_model("anthropic:claude-sonnet-4-5", max_retries=0)
    assert "".join(c.text for c in model.stream("Stream hi")) == "Echo: Stream hi"
"""


def test_marker_and_fixture_record_then_replay_offline(
    pytester: pytest.Pytester, provider_env: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each run is a user's pytest in a process of its own, not inside this worker, which
    # imported libraries a fresh pytest would rewrite (tests/_worker_zygote.py).
    pytester.makeini(INI)
    pytester.makepyfile(test_user=INNER)
    missing = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    missing.assert_outcomes(errors=2)
    missing.stdout.fnmatch_lines(["*CassetteNotFoundError*never recorded*"])

    monkeypatch.setenv("CHATPLEX_RECORD", "1")
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=2)
    cassettes = pytester.path / "cassettes"
    assert sorted(p.name for p in cassettes.iterdir()) == [
        "greeting-0.json",
        "greeting-0.meta.json",
        "test_fixture_default_name-0.meta.json",
        "test_fixture_default_name-0.sse",
    ]

    provider_env.stop()
    monkeypatch.delenv("CHATPLEX_RECORD")
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=2)
