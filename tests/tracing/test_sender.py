"""LangSmithSender: LangSmith's multipart wire without the langsmith package; bounded
retries; settings from the environment; the key never shown."""

from __future__ import annotations

import email.parser
import email.policy
import json
import logging
import uuid
from datetime import UTC
from datetime import datetime
from typing import Any

import httpx
import pytest

from chatplex.tracing.batching import RunBatcher
from chatplex.tracing.sender import LangSmithSender
from chatplex.tracing.sender import SenderSettings
from chatplex.tracing.sender import unsupported_settings

from .fake_langsmith import FakeLangSmith
from .fake_langsmith import tree

KEY = "lsv2-very-secret-key-42"


def run(name: str, parent: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    run_id = uuid.uuid4()
    now = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    order = now.strftime("%Y%m%dT%H%M%S%fZ") + str(run_id)
    out: dict[str, Any] = {
        "id": run_id,
        "name": name,
        "run_type": "chain",
        "start_time": now,
        "end_time": now,
        "inputs": {"input": "question"},
        "outputs": {"output": "answer"},
        "events": [{"name": "start", "time": now}],
        "extra": {"metadata": {"k": 1}},
        "serialized": {"name": name},
        "tags": ["t"],
        "trace_id": run_id if parent is None else parent["trace_id"],
        "dotted_order": order if parent is None else f"{parent['dotted_order']}.{order}",
        "session_name": None,
    }
    if parent is not None:
        out["parent_run_id"] = parent["id"]
    out.update(fields)
    return out


def settings(url: str = "http://127.0.0.1:9", **fields: Any) -> SenderSettings:
    return SenderSettings(endpoint=url, api_key=KEY, **fields)


class Answers:
    """An `httpx.MockTransport` handler answering the given statuses in turn."""

    def __init__(self, *answers: int | Exception | httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else 202
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(answer, json={})


def mocked(handler: Answers, **options: Any) -> tuple[LangSmithSender, list[float]]:
    slept: list[float] = []
    sender = LangSmithSender(
        settings(), transport=httpx.MockTransport(handler), sleep=slept.append, **options
    )
    return sender, slept


def parts(request: httpx.Request) -> dict[str, Any]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        assert part.get_content_type() == "application/json"
        payload = part.get_payload(decode=True)
        name = part.get_param("name", header="content-disposition")
        assert isinstance(payload, bytes) and isinstance(name, str)
        assert int(part["content-length"]) == len(payload)
        out[name] = json.loads(payload)
    return out


# ---- the wire ---------------------------------------------------------------------------


def test_the_fake_endpoint_decodes_the_runs_it_is_sent() -> None:
    root = run("RunnableSequence")
    child = run("ChatOpenAI", root, run_type="llm", error="ValueError('x')")
    with FakeLangSmith() as fake:
        sender = LangSmithSender(settings(fake.url, project="proj"))
        sender.send([child, root])
        got = fake.runs
        assert fake.paths == ["/runs/multipart"]
        assert fake.headers[0]["x-api-key"] == KEY
        assert "X-Tenant-Id" not in fake.headers[0]
    (top,) = tree(got)
    assert top["id"] == str(root["id"]) and top["session_name"] == "proj"
    assert top["inputs"] == {"input": "question"} and top["outputs"] == {"output": "answer"}
    assert top["start_time"] == "2026-01-02T03:04:05.678901+00:00"
    assert top["events"] == [{"name": "start", "time": "2026-01-02T03:04:05.678901+00:00"}]
    assert top["extra"]["metadata"] == {"k": 1} and top["tags"] == ["t"]
    runtime = top["extra"]["runtime"]  # as the langsmith client adds it, chatplex's own
    assert runtime["sdk"] == "chatplex" and runtime["runtime"] == "python"
    (inner,) = top["children"]
    assert inner["parent_run_id"] == str(root["id"]) and inner["trace_id"] == str(root["id"])
    assert inner["run_type"] == "llm" and inner["error"] == "ValueError('x')"


def test_each_big_field_is_a_part_of_its_own_as_the_langsmith_client_sends() -> None:
    handler = Answers()
    sender, _ = mocked(handler)
    one = run("x", session_name="mine", run_type="llm")
    sender.send([one])
    (request,) = handler.requests
    assert request.url == "http://127.0.0.1:9/runs/multipart"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    got = parts(request)
    rid = str(one["id"])
    expected = {f"post.{rid}"} | {
        f"post.{rid}.{k}" for k in ("inputs", "outputs", "events", "extra", "serialized")
    }
    assert set(got) == expected  # no error part: the run has none
    main = got[f"post.{rid}"]
    assert main["session_name"] == "mine" and "inputs" not in main and "extra" not in main


def test_serialized_goes_for_llm_and_prompt_runs_only_and_without_its_graph() -> None:
    # As the langsmith client's `_run_transform` keeps it ("only retain LLM & Prompt
    # manifests"): a chain's or parser's is not sent, a prompt's without its graph. (The
    # runs chatplex's tracer writes itself: test_langsmith.py, beside LangChain's.)
    handler = Answers()
    sender, _ = mocked(handler)
    graph = {"nodes": [], "edges": []}
    runs = {
        kind: run(kind, run_type=kind, serialized={"name": kind, "graph": graph})
        for kind in ("chain", "parser", "llm", "prompt")
    }
    sender.send(list(runs.values()))
    (request,) = handler.requests
    got = parts(request)
    with_serialized = {kind for kind, r in runs.items() if f"post.{r['id']}.serialized" in got}
    assert with_serialized == {"llm", "prompt"}
    for kind in ("llm", "prompt"):
        assert got[f"post.{runs[kind]['id']}.serialized"] == {"name": kind}


def test_workspace_goes_as_tenant_header() -> None:
    handler = Answers()
    sender = LangSmithSender(settings(workspace_id="ws-1"), transport=httpx.MockTransport(handler))
    sender.send([run("x")])
    assert handler.requests[0].headers["x-tenant-id"] == "ws-1"


def test_hidden_inputs_and_outputs_are_sent_empty() -> None:
    handler = Answers()
    sender = LangSmithSender(
        settings(hide_inputs=True, hide_outputs=True), transport=httpx.MockTransport(handler)
    )
    one = run("x")
    sender.send([one])
    got = parts(handler.requests[0])
    assert got[f"post.{one['id']}.inputs"] == {} and got[f"post.{one['id']}.outputs"] == {}


def test_sampling_keeps_or_drops_whole_traces() -> None:
    handler = Answers()
    sender = LangSmithSender(settings(sampling_rate=0.5), transport=httpx.MockTransport(handler))
    roots = [run(f"r{i}") for i in range(200)]
    children = [run("c", root) for root in roots]
    sender.send(roots + children)
    sent = {name.split(".")[1] for name in parts(handler.requests[0]) if name.count(".") == 1}
    kept_roots = {str(r["id"]) for r in roots} & sent
    assert 40 < len(kept_roots) < 160  # about half (the ids are random)
    for root, child in zip(roots, children, strict=True):
        assert (str(root["id"]) in sent) == (str(child["id"]) in sent)
    nothing = Answers()
    LangSmithSender(settings(sampling_rate=0.0), transport=httpx.MockTransport(nothing)).send(roots)
    assert nothing.requests == []  # nothing sampled: no request at all


# ---- retries ----------------------------------------------------------------------------


def test_429_and_5xx_are_retried_honoring_retry_after_with_a_cap() -> None:
    handler = Answers(
        httpx.Response(429, headers={"retry-after": "2"}),
        httpx.Response(503, headers={"retry-after": "600"}),
        502,
        202,
    )
    sender, slept = mocked(handler, max_attempts=4, max_retry_wait=5.0)
    sender.send([run("x")])
    assert len(handler.requests) == 4
    assert slept == [2.0, 5.0, 2.0]  # Retry-After, capped, then the backoff (third try)
    assert handler.requests[0].content == handler.requests[-1].content  # the same body


def test_a_retry_after_of_0_gets_the_backoff_not_an_immediate_retry() -> None:
    handler = Answers(httpx.Response(429, headers={"retry-after": "0"}), 202)
    sender, slept = mocked(handler, max_attempts=2, max_retry_wait=5.0)
    sender.send([run("x")])
    assert len(handler.requests) == 2
    assert slept == [0.5]  # the first backoff, as a model's retries: 0 is no hint


def test_prepared_pieces_go_as_one_body_of_their_length_and_again_on_a_retry() -> None:
    """`post_prepared` sends the pieces `prepare` wrote without joining them: one body,
    its `Content-Length` given (not chunked), the same bytes on a retry."""
    handler = Answers(503, 202)
    sender, _ = mocked(handler)
    first, second = run("a"), run("b")
    pieces = [sender.prepare([first]), sender.prepare([second])]
    sender.post_prepared(pieces, 2)
    retried, sent = handler.requests
    assert (
        sent.content
        == retried.content
        == b"".join(pieces) + (f"--{sender._boundary}--\r\n".encode())
    )
    assert sent.headers["content-length"] == str(len(sent.content))
    assert "transfer-encoding" not in sent.headers
    assert set(parts(sent)) >= {f"post.{first['id']}", f"post.{second['id']}.outputs"}


def test_retries_are_bounded_and_the_error_names_no_key(caplog: pytest.LogCaptureFixture) -> None:
    handler = Answers(*[503] * 10)
    sender, slept = mocked(handler, max_attempts=3)
    with pytest.raises(RuntimeError, match="after 3 attempts: HTTP 503") as caught:
        sender.send([run("x")])
    assert len(handler.requests) == 3 and len(slept) == 2
    assert KEY not in str(caught.value)


def test_a_refusal_is_not_retried() -> None:
    handler = Answers(400)
    sender, slept = mocked(handler)
    with pytest.raises(RuntimeError, match="refused 1 runs .* HTTP 400"):
        sender.send([run("x")])
    assert len(handler.requests) == 1 and slept == []


def test_connection_errors_are_retried() -> None:
    handler = Answers(httpx.ConnectError("refused"), 202)
    sender, slept = mocked(handler)
    sender.send([run("x")])
    assert len(handler.requests) == 2 and slept == [0.5]


def test_an_unreachable_endpoint_fails_within_its_bounds() -> None:
    """A real closed port (no mock): connection refused, each attempt, then the error."""
    slept: list[float] = []
    sender = LangSmithSender(settings("http://127.0.0.1:9"), max_attempts=2, sleep=slept.append)
    with pytest.raises(RuntimeError, match="after 2 attempts: ConnectError"):
        sender.send([run("x")])
    assert slept == [0.5]
    sender.close()


def test_a_failing_batch_is_logged_by_the_batcher_without_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sender, _ = mocked(Answers(*[500] * 10), max_attempts=2)
    batcher = RunBatcher(sender.send, interval=0.01)
    with caplog.at_level(logging.DEBUG, logger="chatplex.tracing"):
        batcher.put(run("a"))
        batcher.put(run("b"))
        assert batcher.flush(timeout=30)
    assert "2 runs not sent" in caplog.text and "HTTP 500" in caplog.text
    assert KEY not in caplog.text


#: A credential in the endpoint's URL: a proxy's user info, a gateway's query key.
ENDPOINT_SECRET = "pw-SENTINEL-0d5e7b"
CREDENTIAL_ENDPOINTS = {
    "userinfo": f"http://ls:{ENDPOINT_SECRET}@127.0.0.1:9",
    "query": f"http://127.0.0.1:9/api?key={ENDPOINT_SECRET}",
}


@pytest.mark.parametrize("answer", ["refused", "unreachable"])
@pytest.mark.parametrize("form", list(CREDENTIAL_ENDPOINTS))
def test_a_credential_in_the_endpoint_shows_in_no_error_repr_or_log(
    form: str, answer: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Sent as given; masked where the sender shows its endpoint: its reprs, the error a
    failed batch raises (a 401, a connection error whose text names the URL) and the
    batcher's warning quoting that error."""
    failure: Any = (
        401
        if answer == "refused"
        else httpx.ConnectError(f"cannot reach {CREDENTIAL_ENDPOINTS[form]}/runs/multipart")
    )
    handler = Answers(*[failure] * 4)
    sender = LangSmithSender(
        settings(CREDENTIAL_ENDPOINTS[form]),
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
        max_attempts=2,
    )
    batcher = RunBatcher(sender.send, interval=0.01)
    with caplog.at_level(logging.DEBUG, logger="chatplex.tracing"):
        batcher.put(run("a"))
        assert batcher.flush(timeout=30)
    with pytest.raises(RuntimeError) as caught:
        sender.send([run("b")])
    sent = handler.requests[0]
    if form == "userinfo":  # (httpx sends it as Basic auth)
        assert sent.headers["authorization"].startswith("Basic ")
    else:
        assert ENDPOINT_SECRET in httpx.URL.__str__(sent.url)
    assert "runs not sent" in caplog.text
    shown = f"{caught.value}\n{caplog.text}\n{sender!r}\n{sender.settings!r}"
    assert "SENTINEL" not in shown, shown
    assert "***" in str(caught.value)


# ---- settings ---------------------------------------------------------------------------


def test_settings_from_the_environment_as_the_langsmith_client_reads_them() -> None:
    got = SenderSettings.from_env(
        {
            "LANGCHAIN_ENDPOINT": "https://eu.api.smith.langchain.com/",
            "LANGCHAIN_API_KEY": "old-key",
            "LANGSMITH_API_KEY": KEY,
            "LANGCHAIN_PROJECT": "proj",
            "LANGSMITH_WORKSPACE_ID": "ws",
            "LANGSMITH_HIDE_INPUTS": "true",
            "LANGSMITH_TRACING_SAMPLING_RATE": "0.25",
        }
    )
    assert got == SenderSettings(
        endpoint="https://eu.api.smith.langchain.com",
        api_key=KEY,  # LANGSMITH_ first
        project="proj",
        workspace_id="ws",
        hide_inputs=True,
        hide_outputs=False,
        sampling_rate=0.25,
    )
    default = SenderSettings.from_env({})
    assert default.endpoint == "https://api.smith.langchain.com"
    assert default.project == "default" and default.api_key is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LANGSMITH_ENDPOINT": "api.smith.langchain.com"}, "must be an http"),
        ({"LANGSMITH_TRACING_SAMPLING_RATE": "2"}, r"must be in \[0, 1\], got 2"),
        ({"LANGSMITH_TRACING_SAMPLING_RATE": "half"}, "must be a number, got 'half'"),
    ],
)
def test_bad_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SenderSettings.from_env(env)


def test_bad_sender_options_are_refused() -> None:
    with pytest.raises(ValueError, match="max_attempts >= 1"):
        LangSmithSender(settings(), max_attempts=0)


def test_unsupported_settings_are_named() -> None:
    assert unsupported_settings({"LANGSMITH_RUNS_ENDPOINTS": "{}", "X": "1"}) == [
        "LANGSMITH_RUNS_ENDPOINTS"
    ]
    assert unsupported_settings({"LANGSMITH_OTEL_ENABLED": " "}) == []


def test_the_key_is_in_no_repr() -> None:
    sender = LangSmithSender(settings(project="p"))
    assert KEY not in repr(sender) and KEY not in repr(sender.settings)
    assert repr(sender) == "LangSmithSender(endpoint='http://127.0.0.1:9', project='p')"


def test_tls_only_for_https_with_the_pools_verification() -> None:
    from chatplex.http import pool_settings

    assert LangSmithSender(settings("http://127.0.0.1:9"))._tls() is False  # no CA bundle
    https = LangSmithSender(settings("https://api.smith.langchain.com"))
    assert https._tls() == pool_settings().verify


def test_sampling_is_drawn_once_per_trace_whichever_run_comes_first() -> None:
    """As the langsmith client: a random draw per trace (not a function of its id), the
    same for every run of it, the children (which end first) included."""
    draws = iter([0.9, 0.1, 0.3])  # trace a: dropped; b: kept; c: kept
    handler = Answers()
    sender = LangSmithSender(
        settings(sampling_rate=0.5),
        transport=httpx.MockTransport(handler),
        draw=lambda: next(draws),
    )
    a, b, c = run("a"), run("b"), run("c")
    a1, b1, a2 = run("a1", a), run("b1", b), run("a2", a)
    sender.send([a1, b1, a, b, a2, c])
    sent = {name.split(".")[1] for name in parts(handler.requests[0]) if name.count(".") == 1}
    assert sent == {str(r["id"]) for r in (b1, b, c)}


@pytest.mark.parametrize("bad", ["\n", "\r\nX-Injected: yes"], ids=["newline", "crlf"])
def test_a_key_no_header_may_carry_is_refused_unsent(bad: str) -> None:
    from chatplex.errors import InvalidHeaderError

    handler = Answers(202)
    sender = LangSmithSender(
        SenderSettings(endpoint="http://127.0.0.1:9", api_key=KEY + bad),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(InvalidHeaderError, match="'x-api-key'") as caught:
        sender.send([run("x")])
    assert handler.requests == [] and KEY not in str(caught.value)
