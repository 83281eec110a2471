"""`submit_batch`: a chat model, or a chain around one, sent through its provider's
Batch API; `load`: the same batch, from its handle, in any later process.

A chain `prompt | model | parser` is split around its one chat model: the steps before
it run now, locally, on every input (they must need no answer from the model); the
model's requests go into the batch; the steps after it run on each reply when
`results()` is called. Every request is built by the model itself (`build_request`, the
code path of `invoke`), so a bad input fails here, naming its row, before anything is
sent. Request files are written in full (split by the provider's limits) and the handle
saved before the first upload; each job is saved the moment the provider creates it.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..adapters.batch_api import BatchAPI
from ..adapters.batch_api import Limits
from ..chat import ChatModel
from ..chat import init_chat_model
from ..core import Runnable
from ..core import RunnableConfig
from ..core import RunnableSequence
from ..core.foreign import ForeignRunnable
from ..core.retry import retry_policy
from ..secret import Secret
from ..secret.urls import take_url_credentials
from .job import BatchJob
from .spool import Spooler
from .store import Handle
from .store import default_dir
from .store import find
from .store import read
from .store import write
from .transport import Transport
from .wire import custom_id

__all__ = ["asubmit_batch", "load", "split_chain", "submit_batch"]

_PRE_CHUNK = 1000
_PROBE = "ping"  # builds a request only to read the adapter's headers


def split_chain(
    runnable: Any,
) -> tuple[ChatModel, Runnable[Any, Any] | None, Runnable[Any, Any] | None]:
    """(model, steps before it, steps after it) of a chat model or a sequence holding
    exactly one chat model. A LangChain chat model over a chatplex engine
    (`chatplex.langchain.ChatOpenAI`) counts as its engine, `chatplex_model`."""
    engine = _engine_of(runnable)
    if engine is not None:
        return engine, None, None
    if isinstance(runnable, RunnableSequence):
        steps = list(runnable.steps)
        at = [i for i, step in enumerate(steps) if _engine_of(step) is not None]
        if len(at) == 1:
            model = _engine_of(steps[at[0]])
            assert model is not None
            return model, _compose(steps[: at[0]]), _compose(steps[at[0] + 1 :])
        raise ValueError(
            f"submit_batch needs a chain with exactly one chat model step, found {len(at)}"
        )
    raise TypeError(
        "submit_batch takes a chat model or a chain (`prompt | model | parser`) around one, "
        f"got {type(runnable).__name__}"
    )


def _engine_of(step: Any) -> ChatModel | None:
    """The chatplex chat model `step` is or runs on (chatplex.langchain's models hold
    theirs as `chatplex_model`; this layer does not import them), or None."""
    if isinstance(step, ChatModel):
        return step
    if isinstance(step, ForeignRunnable):  # such a model as a chatplex chain's step
        step = step.foreign
    inner = getattr(step, "chatplex_model", None)
    return inner if isinstance(inner, ChatModel) else None


def _compose(steps: list[Runnable[Any, Any]]) -> Runnable[Any, Any] | None:
    if not steps:
        return None
    return steps[0] if len(steps) == 1 else RunnableSequence(*steps)


def batch_api(model: ChatModel, limits: Limits | None = None) -> BatchAPI:
    """The Batch API of the model's provider: the one its adapter names
    (`batch_api_for(model, limits)`, in the provider's folder)."""
    adapter = model.adapter
    if adapter is None:
        raise NotImplementedError(f"{model.get_name()} has no adapter: no Batch API to use")
    return adapter.batch_api_for(model.model, limits)


def _transport(model: ChatModel, headers: Any) -> Transport:
    assert model.adapter is not None
    policy = model.retry_policy or retry_policy(model.max_retries, model.max_retry_after)
    return Transport(
        model.adapter,
        _base_url(model),
        headers,
        retry=policy,
        client=model.http_client,
        async_client=model.http_async_client,
    )


def _base_url(model: ChatModel) -> str | Secret:
    # The adapter shows its base URL with query credentials masked; it sends this one,
    # held (a `Secret`) as the adapter holds it. An adapter whose Batch API sits
    # elsewhere than its chat endpoint says where (`batch_base_url`: a resource's, not
    # a deployment's).
    adapter = model.adapter
    assert adapter is not None
    batch_base = adapter.batch_base_url()
    if batch_base is not None:
        return batch_base
    base = adapter.secret_base_url or adapter.base_url
    if not isinstance(base, (str, Secret)):
        raise ValueError(f"{model!r}'s adapter has no base_url to reach a Batch API")
    return base


def _spool(
    model: ChatModel,
    api: BatchAPI,
    rows: Iterable[Any],
    handle_dir: str | Path | None,
) -> Handle:
    """Write every request into job files and the handle; nothing is sent."""
    parts = take_url_credentials(_base_url(model))
    held = parts.secret is not None or parts.userinfo is not None
    directory = Path(handle_dir) if handle_dir is not None else default_dir()
    handle = Handle.new(api.name, model.model, parts.shown, 0, directory, masked=held)
    spooler = Spooler(handle.data_dir, "job", api.limits, api.framing())
    try:
        index = -1
        for index, row in enumerate(rows):
            try:
                request = model.build_request(row)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"batch input row {index}: {exc}") from exc
            closed = spooler.add(index, api.request_line(custom_id(handle.prefix, index), request))
            if closed:
                handle.jobs.append(closed)
        last = spooler.close()
        if last:
            handle.jobs.append(last)
        if index < 0:
            raise ValueError("submit_batch needs at least one input")
        handle.count = index + 1
    except BaseException:
        spooler.close()
        shutil.rmtree(handle.data_dir, ignore_errors=True)  # nothing was sent
        raise
    write(handle)
    return handle


def _before(
    pre: Runnable[Any, Any] | None, inputs: Iterable[Any], config: RunnableConfig | None
) -> Iterator[Any]:
    if pre is None:
        yield from inputs
        return
    chunk: list[Any] = []
    for value in inputs:
        chunk.append(value)
        if len(chunk) >= _PRE_CHUNK:
            yield from pre.batch(chunk, config)
            chunk = []
    if chunk:
        yield from pre.batch(chunk, config)


async def _abefore(
    pre: Runnable[Any, Any] | None, inputs: Iterable[Any], config: RunnableConfig | None
) -> list[Any]:
    if pre is None:
        return list(inputs)
    out: list[Any] = []
    chunk: list[Any] = []
    for value in inputs:
        chunk.append(value)
        if len(chunk) >= _PRE_CHUNK:
            out += await pre.abatch(chunk, config)
            chunk = []
    if chunk:
        out += await pre.abatch(chunk, config)
    return out


def _job(model: ChatModel, api: BatchAPI, handle: Handle, post: Any, config: Any) -> BatchJob:
    headers = model.build_request(_PROBE).headers
    return BatchJob(handle, api, _transport(model, headers), post=post, config=config)


def submit_batch(
    runnable: Any,
    inputs: Iterable[Any],
    config: RunnableConfig | None = None,
    *,
    handle_dir: str | Path | None = None,
    limits: Limits | None = None,
) -> BatchJob:
    """Send `inputs` through the provider's Batch API; returns once every job exists.

    `handle_dir`: where the handle and its files go (default `$CHATPLEX_BATCH_DIR` or
    `~/.chatplex/batches`); `limits`: per-job limits below the provider's (tests, or
    smaller jobs that finish sooner). If submission is cut short, `load(job_path)` then
    `submit_remaining()` finishes it.

    Args:
        runnable: a chat model, or a chain `prompt | model | parser` (the steps before
            the model run now, the ones after it on each reply).
        inputs: the rows, each what `runnable.invoke` takes.
        config: the config the chain's steps run with.
        handle_dir: where the handle and its files go.
        limits: per-job limits below the provider's.

    Returns:
        A `BatchJob`; call its `wait()`, then `results()` (in input order).

    Raises:
        NotImplementedError: a provider without a Batch API chatplex speaks.

    Examples:
        >>> import tempfile
        >>> from chatplex import init_chat_model
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server, tempfile.TemporaryDirectory() as handles:
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini",
        ...         base_url=server.openai_base_url,
        ...         api_key="sk-test",
        ...         default_headers={"x-mock-batch-seconds": "0"},  # the job ends at once
        ...     )
        ...     job = submit_batch(model, ["hi", "bye"], handle_dir=handles)
        ...     status = job.wait(poll_interval=0.05, progress=False)
        ...     [reply.text for reply in job.results()]
        ['Echo: hi', 'Echo: bye']
    """
    model, pre, post = split_chain(runnable)
    api = batch_api(model, limits)
    handle = _spool(model, api, _before(pre, inputs, config), handle_dir)
    return _job(model, api, handle, post, config).submit_remaining()


async def asubmit_batch(
    runnable: Any,
    inputs: Iterable[Any] | AsyncIterator[Any],
    config: RunnableConfig | None = None,
    *,
    handle_dir: str | Path | None = None,
    limits: Limits | None = None,
) -> BatchJob:
    """The async `submit_batch` (the steps before the model run with `abatch`)."""
    model, pre, post = split_chain(runnable)
    api = batch_api(model, limits)
    rows = [v async for v in inputs] if isinstance(inputs, AsyncIterator) else inputs
    prepared = await _abefore(pre, rows, config)
    handle = _spool(model, api, prepared, handle_dir)
    return await _job(model, api, handle, post, config).asubmit_remaining()


def load(
    path_or_id: str | Path,
    *,
    model: ChatModel | None = None,
    then: Runnable[Any, Any] | None = None,
    config: RunnableConfig | None = None,
    handle_dir: str | Path | None = None,
) -> BatchJob:
    """The batch saved at `path_or_id`: a handle path, a handle id, or a provider job id
    (looked up in `handle_dir`, default `$CHATPLEX_BATCH_DIR` or `~/.chatplex/batches`).

    `model`: to reach the provider with (default: the handle's provider, model and base
    URL, the key from the provider's environment variable); required when the handle's
    base URL was stored masked. `then`: the chain's steps after the model, to run on the
    results again (a handle stores no code).
    """
    path = find(str(path_or_id), Path(handle_dir) if handle_dir is not None else None)
    handle = read(path)
    if model is None:
        if handle.base_url_masked:
            raise ValueError(
                f"{path}: its base URL carried a credential and was saved masked; "
                "pass the model: load(..., model=...)"
            )
        built = init_chat_model(f"{handle.provider}:{handle.model}", base_url=handle.base_url)
        assert isinstance(built, ChatModel)
        model = built
    # A subclass adapter registered under its own name (a handle's provider) says so.
    given = (model.adapter and model.adapter.registry_name) or model.provider
    if given != handle.provider:
        raise ValueError(f"{path} is a {handle.provider} batch; the model given is {given}")
    return _job(model, batch_api(model), handle, then, config)
