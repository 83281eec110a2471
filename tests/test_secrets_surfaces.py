"""One masking rule at every surface of both families: the LangChain drop-in classes
(`chatplex.langchain`) and their engines (`chatplex.providers.<wire>.dropin`).

A key given four ways -- `api_key=`, a header under a name chatplex does not list (or
under any name, when it is the model's own key), a base URL's query and its user info --
is looked for on every surface a user, a tracer or an error tracker reads: repr, str,
vars, `model_dump(_json)`, `to_json`, `dumpd`/`dumps`, callbacks and LangChain's tracer
runs, stream events, the errors of failed calls (with their frames' locals), the logs,
and the locals of every chatplex and langchain-core frame the construction and the calls
pass through (`FrameWatch`). A pickled model holds its key; `dumpd` never does.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import pickle
from typing import Any

import pytest

pytest.importorskip("langchain_core")

from langchain_core.callbacks import BaseCallbackHandler  # noqa: E402
from langchain_core.load import dumpd  # noqa: E402
from langchain_core.load import dumps  # noqa: E402
from langchain_core.tracers.base import BaseTracer  # noqa: E402
from langchain_core.tracers.schemas import Run  # noqa: E402

import chatplex.langchain  # noqa: E402
from chatplex.dropins import DROP_IN_MODULES  # noqa: E402
from chatplex.errors import ChatplexError  # noqa: E402
from chatplex.langchain import ChatChatplex  # noqa: E402
from chatplex.langchain import DropInChatModel  # noqa: E402
from tests._dropins import engine  # noqa: E402
from tests._tls import one_default_tls_context  # noqa: E402,F401  (autouse: the SDK clients a repr builds)
from tests.test_secrets import FRAME_KEY  # noqa: E402
from tests.test_secrets import FRAME_MODELS  # noqa: E402
from tests.test_secrets import FRAME_NEEDLES  # noqa: E402
from tests.test_secrets import FRAME_USER  # noqa: E402
from tests.test_secrets import REFUSED  # noqa: E402
from tests.test_secrets import FrameWatch  # noqa: E402
from tests.test_secrets import _clients  # noqa: E402
from tests.test_secrets import all_logs  # noqa: E402,F401  (the fixture "logs" uses)
from tests.test_secrets import assert_frame_free  # noqa: E402
from tests.test_secrets import no_env_keys  # noqa: E402,F401  (a fixture every test uses)
from tests.test_secrets import shown  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_env_keys")


@pytest.fixture(autouse=True)
def _instant_partner_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A partner's nested retry loops (ibm-watsonx-ai's: 0.3, 0.6 and 1.2 s after a 401)
    wait no time here: every try is still sent and watched, only the sleeps between them
    go (~6 s a ChatWatsonx case)."""
    import chatplex.core.retry as retry

    real = retry.layer_wait
    monkeypatch.setattr(retry, "layer_wait", lambda *args: None if real(*args) is None else 0.0)


@pytest.fixture
def logs(request: pytest.FixtureRequest) -> io.StringIO:
    """Every log record at DEBUG (test_secrets.py's `all_logs`)."""
    captured: io.StringIO = request.getfixturevalue("all_logs")
    return captured


#: A key of no interest, where the form puts the watched one elsewhere.
PLAIN = "plain-key-not-watched"
#: Header names chatplex lists nowhere, each named like a credential as gateways name
#: them; and one named like nothing, which carries the model's own key.
HEADER_NAMES = (
    "x-api-key-2",
    "X-Gateway-Token-Extra",
    "Helicone-Auth",
    "x-client-secret-v2",
    "x-request-signature",
    "x-upstream-password",
    "x-credential-id",
)
#: Every class takes the key each way; the header names are each tried on ChatOpenAI
#: (the rule that reads them is one, whatever the class).
FORMS = ("api_key", f"header:{HEADER_NAMES[0]}", "header=key", "query", "userinfo")
NAMED_FORMS = tuple(f"header:{name}" for name in HEADER_NAMES[1:])


def _dropins() -> list[str]:
    return [
        name
        for name in sorted(chatplex.langchain.__all__)
        if name.startswith("Chat") and name != "ChatChatplex" or name == "AzureChatOpenAI"
    ]


def _engine(name: str) -> Any:
    assert issubclass(getattr(chatplex.langchain, name), DropInChatModel)
    return engine(name)  # (its engine class, or what builds its model: `tests/_dropins.py`)


def _refused(name: str, form: str) -> bool:
    """Whether the class refuses the form: AWS requests are signed, a URL credential
    is refused (test_secrets.py checks the refusal)."""
    return "Bedrock" in name and form in ("query", "userinfo")


def _settings(name: str, form: str) -> dict[str, Any]:
    """The constructor keywords that put the key in `form`."""
    parameters = inspect.signature(_engine(name)).parameters
    key = FRAME_KEY if form in ("api_key", "header=key") else PLAIN
    if "Bedrock" in name:
        keys: dict[str, Any] = {"region_name": "us-east-1", "aws_access_key_id": "AKIAFRAME"}
        keys["aws_secret_access_key"] = key
    elif name == "ChatWatsonx":
        keys = {"project_id": "p-frame", "token": key}
    elif name == "AzureChatOpenAI":
        keys = {"api_key": key, "api_version": "2024-10-21"}
    elif name == "ChatAnthropicVertex":  # (a project, and an OAuth token: the key here)
        keys = {"project": "p-frame", "access_token": key}
    else:
        keys = {"api_key": key}
    record = getattr(chatplex.langchain, name)._record  # (its fields' spellings too)
    spelled = {n for f in record.declared for n in f.spellings}
    # (every preset's class takes the shared `base_url`, its partner's field or not)
    preset = DROP_IN_MODULES[name] == "chatplex.providers.compatible.dropin"
    taken = {*parameters, *spelled}
    # (langchain-aws's ChatBedrock names it `endpoint_url` alone)
    url = "base_url" if preset or "base_url" in taken else "endpoint_url"
    url = url if url in taken or preset else "url"
    host = "http://gateway.invalid/openai/v1"
    if form == "query":
        keys[url] = f"{host}?api-key={FRAME_KEY}"
    elif form == "userinfo":
        keys.pop("api_key", None)
        keys.pop("token", None)
        if name == "ChatAnthropicVertex":  # (its token not the one watched here)
            keys["access_token"] = PLAIN
        if name == "ChatVertexAI":  # (Vertex AI needs a credential: express mode's key)
            keys["api_key"] = "vertex-express"
        keys[url] = f"http://{FRAME_USER}:{FRAME_KEY}@gateway.invalid/openai/v1"
    else:
        keys[url] = host
    if form.startswith("header"):
        header = form.partition(":")[2] or "x-tenant"
        names = [p for p in ("default_headers", "additional_headers") if p in parameters]
        keys[names[0] if names else "extra_headers"] = {header: FRAME_KEY}
    return {"model": FRAME_MODELS.get("bedrock" if "Bedrock" in name else "", "m-1"), **keys}


class Collect(BaseTracer):
    """A tracer keeping its runs, as LangSmith's uploads them."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[Run] = []

    def _persist_run(self, run: Run) -> None:
        self.runs.append(run)


class Heard(BaseCallbackHandler):
    """Every callback's arguments."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def on_chat_model_start(self, serialized: object, *args: object, **kw: object) -> None:
        self.calls.append(repr((serialized, args, kw)))

    def on_llm_error(self, *args: object, **kw: object) -> None:
        self.calls.append(repr((args, kw)))


def _shown_model(model: Any) -> dict[str, str]:
    """Each surface's text; a surface that raises (the partner's dump of an SDK client
    it cannot build, as the partner's own raises) is checked by what its error says."""
    surfaces: dict[str, Any] = {
        "repr": lambda: repr(model),
        "str": lambda: str(model),
        "vars": lambda: repr(vars(model)),
    }
    if isinstance(model, DropInChatModel):
        surfaces |= {
            "model_dump": lambda: repr(model.model_dump()),
            "model_dump_json": model.model_dump_json,
            "to_json": lambda: repr(model.to_json()),
            "dumpd": lambda: repr(dumpd(model)),
            "dumps": lambda: dumps(model),
        }
    else:
        surfaces["adapter"] = lambda: repr(model.adapter) + repr(vars(model.adapter))
    shown: dict[str, str] = {}
    for where, show in surfaces.items():
        try:
            shown[where] = show()
        except Exception as exc:  # noqa: BLE001 - what it says is a surface too
            shown[where] = f"<raised {exc!r}: {exc}>"
    return shown


async def _fails_both_ways(model: Any, config: Any) -> list[BaseException]:
    """The errors of a sync and an async call (a frame of their tracebacks: no key in
    its locals)."""
    errors: list[BaseException] = []
    for sync in (True, False):
        try:
            if sync:
                model.invoke("hi", config=config)
            else:
                await model.ainvoke("hi", config=config)
        except ChatplexError as err:
            errors.append(err)
    assert len(errors) == 2
    return errors


def _tries_of_a_401(model: Any) -> int:
    """How often `model` (a drop-in or its engine) sends a call refused with 401."""
    from chatplex.core.retry_layers import attempts
    from chatplex.langchain.traits import partner_traits

    layers = partner_traits(model.adapter).retries_and_calls.retry_layers
    return 1 if layers is None else attempts(layers, 401)


def _cases() -> list[tuple[str, str]]:
    return [
        *((name, form) for name in _dropins() for form in FORMS),
        *(("ChatOpenAI", form) for form in NAMED_FORMS),
    ]


@pytest.mark.parametrize("family", ["langchain", "engine"])
@pytest.mark.parametrize(("name", "form"), _cases())
async def test_no_surface_of_either_family_shows_the_key(
    name: str, family: str, form: str, logs: io.StringIO
) -> None:
    if _refused(name, form):
        pytest.skip("the class refuses a URL credential")
    cls = getattr(chatplex.langchain, name) if family == "langchain" else _engine(name)
    await _watched(cls, name, family, _settings(name, form), logs)


#: The drop-ins whose partners send through LangSmith's gateway where `LANGSMITH_GATEWAY`
#: is on and no base URL is given, with LangSmith's key (`chat/langsmith_gateway.py`).
GATEWAY_ROUTED = {
    "ChatOpenAI": {},
    "ChatAnthropic": {},
    "ChatFireworks": {},
    "ChatGoogleGenerativeAI": {},
    "ChatBedrockConverse": {"region_name": "us-east-1"},
}


@pytest.mark.parametrize("name", list(GATEWAY_ROUTED))
async def test_no_surface_shows_langsmiths_key_where_the_gateway_takes_it(
    name: str, logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key read from LANGSMITH_API_KEY for the gateway is held as every key is."""
    monkeypatch.setenv("LANGSMITH_GATEWAY", "https://gateway.invalid")
    monkeypatch.setenv("LANGSMITH_API_KEY", FRAME_KEY)
    model = FRAME_MODELS.get("bedrock" if "Bedrock" in name else "", "m-1")
    settings = {"model": model, **GATEWAY_ROUTED[name]}
    sent = await _watched(getattr(chatplex.langchain, name), name, "langchain", settings, logs)
    assert {request.url.host for request in sent} == {"gateway.invalid"}, sent


def _from_environment(name: str) -> tuple[str, dict[str, Any]] | None:
    """The variable its partner reads its key from, and its other settings; None where
    its key is read from no variable of its own."""
    settings = _settings(name, "api_key")
    keyword = "aws_secret_access_key" if "Bedrock" in name else "token"
    keyword = "access_token" if name == "ChatAnthropicVertex" else keyword
    keyword = keyword if keyword in settings else "api_key"
    del settings[keyword]
    record = getattr(chatplex.langchain, name)._record
    read = [
        field.env[0]
        for field in record.declared
        if field.env and (keyword in field.spellings or field.name.endswith(f"_{keyword}"))
    ]
    read += [_READ_BY_ITS_ADAPTER[name]] if name in _READ_BY_ITS_ADAPTER else []
    return (read[0], settings) if read else None


#: The keys a drop-in's adapter reads, where no field of its record declares it.
_READ_BY_ITS_ADAPTER = {"ChatHyperbolic": "HYPERBOLIC_API_KEY"}


@pytest.mark.parametrize("family", ["langchain", "engine"])
@pytest.mark.parametrize("name", _dropins())
async def test_no_surface_shows_a_key_read_from_the_environment(
    name: str, family: str, logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drop-in given no key reads its partner's variable: no frame of its construction
    or calls holds it (nor the environment, whose repr shows every variable)."""
    case = _from_environment(name)
    if case is None:
        pytest.skip("its partner reads no key of its own from the environment")
    variable, settings = case
    monkeypatch.setenv(variable, FRAME_KEY)
    cls = getattr(chatplex.langchain, name) if family == "langchain" else _engine(name)
    await _watched(cls, name, family, settings, logs)


async def _watched(
    cls: Any, name: str, family: str, settings: dict[str, Any], logs: io.StringIO
) -> list[Any]:
    """`cls(**settings)` built and called (sync, async, events) while its frames are
    watched; the watched key shows on none of its surfaces. What the calls sent."""
    tracer, heard = Collect(), Heard()
    config: Any = {"callbacks": [tracer, heard]}
    with FrameWatch() as watch:
        model = cls(**settings, **_clients())  # (no local of this frame holds it)
        answered = len(REFUSED)
        errors = await _fails_both_ways(model, config)
        # Each call reached the refusing server: once, or as often as its partner's SDK
        # sends a 401 (ibm-watsonx-ai's transport: four times).
        assert len(REFUSED) - answered == 2 * _tries_of_a_401(model)
    events: list[object] = []
    with contextlib.suppress(ChatplexError):
        async for event in model.astream_events("hi", version="v2"):
            events.append(event)
    for where, text in _shown_model(model).items():
        assert_frame_free(f"{name} {where}", text)
    assert_frame_free("the callbacks", "\n".join(heard.calls) + repr(events))
    for run in tracer.runs:
        assert_frame_free("a traced run", run.model_dump_json() + repr(run))
    for err in errors:
        assert_frame_free("the error and its frames", shown(err))
    assert_frame_free("the logs", logs.getvalue())
    watch.assert_clean(f"{family} {name}")
    if family == "langchain":  # its construction and calls went through langchain-core
        assert any(p.startswith("langchain_core/") for p in watch.seen), watch.seen
    return REFUSED[answered:]


# --- the Batch API paths ------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_server() -> Any:
    from chatplex.testing import MockServer

    with MockServer() as srv:
        yield srv


@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
@pytest.mark.parametrize("family", ["langchain", "engine"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_no_frame_of_a_batch_holds_a_key_from_the_base_urls_query(
    name: str,
    family: str,
    sync: bool,
    batch_server: Any,
    tmp_path: Any,
    logs: io.StringIO,
) -> None:
    """A Batch API job (upload, create, poll, download) on a base URL carrying the key
    in its query (`?api-key=`): sent on every call, in clear in no frame, the job, its
    transport or its saved files. Azure's calls carry the resource's query (the
    `api-version` beside the key) on paths of their own."""
    from chatplex.batches import asubmit_batch
    from chatplex.batches import submit_batch

    cls = getattr(chatplex.langchain, name) if family == "langchain" else _engine(name)
    settings = _batch_settings(batch_server)
    if name == "AzureChatOpenAI":  # the mock's batch routes sit at the root: Azure's v1
        settings.update(api_version="v1", validate_base_url=False)
    with FrameWatch() as watch:
        model = cls(model="gpt-4o-mini", **settings)
        if sync:
            job = submit_batch(model, ["a", "b"], handle_dir=tmp_path)
            job.wait(poll_interval=0.02, timeout=30, progress=False)
            results = job.results()
        else:
            job = await asubmit_batch(model, ["a", "b"], handle_dir=tmp_path)
            await job.await_completion(poll_interval=0.02, timeout=30, progress=False)
            results = await job.aresults()
    assert [r.text for r in results] == ["Echo: a", "Echo: b"]
    watch.assert_clean(f"a {family} batch")
    assert "chatplex/batches/transport.py" in watch.seen
    assert_frame_free("the job", repr(job) + repr(job.transport) + repr(vars(job.transport)))
    saved = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert_frame_free("the saved files", saved.decode("utf-8", "replace"))
    assert_frame_free("the logs", logs.getvalue())


def _batch_settings(server: Any) -> dict[str, Any]:
    """The mock server's base URL with the key in its query (a frame of its own: the
    test's holds no key)."""
    return {"base_url": f"{server.openai_base_url}?api-key={FRAME_KEY}", "api_key": PLAIN}


# --- pickling: the key goes with the model; dumpd never carries it ----------------------


@pytest.mark.parametrize("form", ["api_key", "header:x-api-key-2", "query", "userinfo"])
@pytest.mark.parametrize("family", ["langchain", "engine"])
def test_a_pickled_model_carries_its_key_and_dumpd_never_does(family: str, form: str) -> None:
    """As LangChain's partner models (a `SecretStr` pickles with its value): what
    multiprocessing and Ray hand a model across with. The model loaded back sends the
    key; `dumpd` / `dumps` (what LangChain users save) hold none of it."""
    cls = chatplex.langchain.ChatOpenAI if family == "langchain" else _engine("ChatOpenAI")
    model = cls(**_settings("ChatOpenAI", form))
    data = pickle.dumps(model)
    assert any(needle.encode() in data for needle in FRAME_NEEDLES)  # (user info: Basic's)
    loaded = pickle.loads(data)
    engine = loaded.chatplex_model if family == "langchain" else loaded
    assert _sent(engine.build_request("hi")), "the loaded model does not send the key"
    if family == "langchain":
        assert_frame_free("dumps", dumps(model) + repr(dumpd(model)))
        assert_frame_free("dumps of the loaded model", dumps(loaded) + repr(dumpd(loaded)))


def _sent(request: Any) -> bool:
    """Whether an adapter's request carries the key (in a header, Basic auth's form of
    the user info, or the URL it sends)."""
    import base64

    headers = " ".join(str(v) for v in request.headers.values())
    url = request.secret_url.get() if request.secret_url is not None else request.url
    basic = base64.b64encode(f"{FRAME_USER}:{FRAME_KEY}".encode()).decode()
    return FRAME_KEY in headers + url or basic in headers


# --- ChatChatplex: the key held before langchain-core's constructor sees it -------------


@pytest.mark.parametrize("form", ["api_key", f"header:{HEADER_NAMES[0]}", "header=key"])
async def test_chatchatplex_holds_the_key_before_langchain_core_does(
    form: str, logs: io.StringIO
) -> None:
    tracer, heard = Collect(), Heard()
    config: Any = {"callbacks": [tracer, heard]}
    with FrameWatch() as watch:
        llm = ChatChatplex(**{**_settings("ChatOpenAI", form), "model": "openai:m-1"}, **_clients())
        errors = await _fails_both_ways(llm, config)
    watch.assert_clean(f"ChatChatplex with the key as {form}")
    assert any(p.startswith("langchain_core/") for p in watch.seen), watch.seen
    surfaces = {
        "repr": repr(llm),
        "vars": repr(vars(llm)),
        "model_dump": repr(llm.model_dump()),  # (JSON: the test's httpx client would raise)
        "dumps": dumps(llm),
    }
    for where, text in surfaces.items():
        assert_frame_free(f"ChatChatplex {where}", text)
    assert_frame_free("the callbacks", "\n".join(heard.calls))
    for run in tracer.runs:
        assert_frame_free("a traced run", run.model_dump_json())
    for err in errors:
        assert_frame_free("the error and its frames", shown(err))
    assert_frame_free("the logs", logs.getvalue())
