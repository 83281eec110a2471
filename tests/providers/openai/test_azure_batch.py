"""Azure OpenAI's Batch API: OpenAI's steps on the resource's `/openai` URLs with
`?api-version=`, deployment names in the rows, rows parsed by the Azure adapter; and a
whole job through `submit_batch` over the mock server's batch routes."""

from __future__ import annotations

import asyncio
import json
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.adapters.batch_api import Call
from chatplex.adapters.batch_api import Reply
from chatplex.adapters.batch_api import Steps
from chatplex.batches.submit import _base_url
from chatplex.batches.submit import batch_api
from chatplex.batches.transport import Transport
from chatplex.core.retry import retry_policy
from chatplex.errors import AuthenticationError
from chatplex.errors import ContentFilterError
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from chatplex.providers.openai.azure_batch import AzureBatches
from chatplex.secret.urls import shown_url
from chatplex.testing import MockServer
from tests.batches._steps import drive

ENDPOINT = "https://res.openai.azure.com"
VERSION = "2024-10-21"
Q = f"?api-version={VERSION}"
SAFE = {"filtered": False, "severity": "safe"}


def adapter(**settings: Any) -> AzureOpenAIAdapter:
    settings.setdefault("azure_endpoint", ENDPOINT)
    settings.setdefault("api_version", VERSION)
    return AzureOpenAIAdapter(api_key="k", **settings)


def json_reply(body: dict[str, Any]) -> Reply:
    return Reply(200, {}, json.dumps(body).encode())


def test_a_deployment_model_is_batched_on_the_resource_urls_with_the_version() -> None:
    model = init_chat_model("azure_openai:prod", azure_endpoint=ENDPOINT, api_version=VERSION,
                            api_key="k")  # fmt: skip
    api = batch_api(model)
    assert isinstance(api, AzureBatches)
    # Not the deployment's URL; its query goes with every call (the transport joins them).
    assert shown_url(_base_url(model)) == f"{ENDPOINT}/openai{Q}"
    line = json.loads(api.request_line("cp-0", model.build_request("hi")))
    assert (line["url"], line["body"]["model"]) == ("/chat/completions", "prod")
    calls, kept = drive(
        api.create("/tmp/r.jsonl", 1, "cp/0"),
        [json_reply({"id": "file-1"}), json_reply({"id": "batch_1", "status": "validating"})],
    )
    assert [c.path for c in calls] == ["/files", "/batches"]
    assert calls[1].json is not None and calls[1].json["endpoint"] == "/chat/completions"
    assert kept["id"] == "batch_1"
    done = {"id": "batch_1", "status": "completed", "output_file_id": "f-out",
            "request_counts": {"total": 1, "completed": 1}}  # fmt: skip
    calls, state = drive(api.poll({"id": "batch_1"}), [json_reply(done)])
    assert calls[0].path == "/batches/batch_1" and state.ended
    calls, _ = drive(api.download(state.refs, "/tmp/j0"), [Reply(200, {})])
    assert [c.path for c in calls] == ["/files/f-out/content"]
    calls, _ = drive(api.cancel({"id": "batch_1"}), [json_reply(done)])
    assert calls[0].path == "/batches/batch_1/cancel"


@pytest.mark.parametrize(
    ("settings", "base", "endpoint"),
    [
        ({"azure_deployment": "d"}, f"{ENDPOINT}/openai{Q}", "/chat/completions"),
        ({"api_version": "v1"}, f"{ENDPOINT}/openai/v1", "/v1/chat/completions"),
        (
            {"azure_endpoint": None, "base_url": f"{ENDPOINT}/openai/deployments/d"},
            f"{ENDPOINT}/openai{Q}",
            "/chat/completions",
        ),
    ],
)
def test_the_batch_base_is_never_a_deployment(
    settings: dict[str, Any], base: str, endpoint: str
) -> None:
    azure = adapter(**settings)
    assert azure.batch_base_url().get() == base
    assert AzureBatches(azure).endpoint == endpoint


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_key_in_the_endpoints_query_is_sent_and_held_out_of_every_path(sync: bool) -> None:
    # `?api-key=` on the endpoint: sent on each call with the version, never in a
    # call's path nor in the URL a request, its error or a log shows (held, masked).
    key = "azure-query-key-0123"
    azure = adapter(azure_endpoint=f"{ENDPOINT}?api-key={key}")
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert key not in str(request.url) and key not in repr(request)
        sent.append(request.url.copy_with().query.decode())  # (what goes on the wire)
        return httpx.Response(401, json={"error": {"message": "no"}})

    base = azure.batch_base_url()
    calls: list[Call] = []

    def steps() -> Steps[None]:  # the poll's call (a 401 ends it), as the job sends it
        calls.append(call := next(AzureBatches(azure).poll({"id": "b"})))
        yield call

    mock = httpx.MockTransport(handler)
    with pytest.raises(AuthenticationError) as info:
        if sync:
            with httpx.Client(transport=mock) as client:
                Transport(azure, base, {}, retry=retry_policy(0), client=client).run(steps())
        else:

            async def main() -> None:
                async with httpx.AsyncClient(transport=mock) as client:
                    transport = Transport(
                        azure, base, {}, retry=retry_policy(0), async_client=client
                    )
                    await transport.arun(steps())

            asyncio.run(main())
    assert sent == [f"api-key={key}&api-version={VERSION}"]
    assert [c.path for c in calls] == ["/batches/b"]
    trace = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    # chatplex's frames (the test's own hold the key it was given)
    ours = [f"{f.locals}" for f in trace.stack if "/chatplex/" in f.filename]
    assert ours and key not in repr(info.value) + str(info.value) + "".join(ours)
    assert shown_url(base) == f"{ENDPOINT}/openai?api-key=***&api-version={VERSION}"


def test_a_filtered_row_is_its_content_filter_error() -> None:
    body = {
        "id": "c", "model": "gpt-4o",
        "choices": [{"index": 0, "finish_reason": "content_filter", "message": {"content": None},
                     "content_filter_results": {"sexual": {"filtered": True, "severity": "high"}}}],
    }  # fmt: skip
    ok = {**body, "choices": [{"index": 0, "finish_reason": "stop", "message": {"content": "hi"},
                               "content_filter_results": {"hate": SAFE}}]}  # fmt: skip
    api = AzureBatches(adapter())
    rows = [
        {"custom_id": "a", "response": {"status_code": 200, "body": body}},
        {"custom_id": "b", "response": {"status_code": 200, "body": ok}},
    ]
    (_, filtered), (_, reply) = [api.parse_row(json.dumps(r).encode()) for r in rows]
    assert isinstance(filtered, ContentFilterError)
    assert reply.text == "hi"  # type: ignore[union-attr]
    assert reply.response_metadata["content_filter_results"] == {"hate": SAFE}  # type: ignore[union-attr]


def test_submit_batch_runs_a_whole_job(
    server: MockServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mock's batch routes are OpenAI's at the root: an Azure v1 base there.
    monkeypatch.setenv("CHATPLEX_BATCH_DIR", str(tmp_path))
    model = init_chat_model(
        "azure_openai:prod",
        base_url=server.url,
        api_version="v1",
        api_key="azure-never-saved-0123",
        extra_headers={"x-mock-batch-seconds": "0.05"},
    )
    job = model.submit_batch(["one", "two"])
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    assert [m.text for m in job.results()] == ["Echo: one", "Echo: two"]
    saved = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"azure-never-saved-0123" not in saved


def test_a_deployment_without_a_model_name_is_named_in_the_batch_line() -> None:
    # AzureChatOpenAI(azure_deployment=...) without model=: the body's model is null on
    # the deployment URL (as langchain-openai's), but a Batch API line must name one.
    from tests._dropins import chat_model

    model = chat_model(
        "AzureChatOpenAI",
        azure_endpoint=ENDPOINT,
        azure_deployment="prod",
        api_version=VERSION,
        api_key="k",
    )
    request = model.build_request("hi")
    assert request.json["model"] is None
    line = json.loads(batch_api(model).request_line("cp-0", request))
    assert line["body"]["model"] == "prod"
