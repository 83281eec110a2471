"""The class a chat model's whole-call deadline (`config={"timeout": s}`) raises: the
same on every path, sync and async, single and batch, alone or inside a wrapper or chain
that runs only it. The http layer shows a deadline met on the wire as also its SDK's
class; an async call's own watch (`within_deadline`) may fire first, and
`Runnable._deadline_error` gives its error the same classes, so the class never depends on
which timer fired (the watch alone: tests/core/test_deadline_errors.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import anthropic
import openai
import pytest

from chatplex import ChatModel
from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableParallel
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.chat.configuration.router import ModelRouter
from chatplex.core import ConfigurableField
from chatplex.core import RunnableConfig
from chatplex.errors import DeadlineExceededError
from tests._calls import ask_stream
from tests._silent import SilentServer

#: Far above the deadline: a call that ignored it would end by this read timeout.
_READ_TIMEOUT = 60.0
#: What a 0.3 s deadline may take on a busy shared machine before it is called ignored.
_PATIENCE = 20.0
#: The SDK class each wire's deadline error is also, beside chatplex's.
_SDK_TIMEOUT = {"openai": openai.APITimeoutError, "anthropic": anthropic.APITimeoutError}
_CONFIG: RunnableConfig = {"timeout": 0.3}


def _model(provider: str, url: str) -> Any:
    base_url = f"{url}/v1" if provider == "openai" else url
    return init_chat_model(
        f"{provider}:m", api_key="sk-test", base_url=base_url, timeout=_READ_TIMEOUT, max_retries=0
    )


def _raised(call: Any) -> BaseException:
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as caught:
        call()
    assert time.monotonic() - started < _PATIENCE
    return caught.value


def _all_sdk_class(raised: dict[str, BaseException], provider: str) -> None:
    sdk_class = _SDK_TIMEOUT[provider]
    kinds = {path: isinstance(err, sdk_class) for path, err in raised.items()}
    assert kinds == dict.fromkeys(raised, True)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_every_path_raises_the_deadline_as_the_sdks_class_too(
    silent: SilentServer, provider: str
) -> None:
    model = _model(provider, silent.url)
    raised = {
        "invoke": _raised(lambda: model.invoke("hi", config=_CONFIG)),
        "ainvoke": _raised(lambda: asyncio.run(model.ainvoke("hi", config=_CONFIG))),
        "stream": _raised(lambda: list(model.stream("hi", config=_CONFIG))),
        "astream": _raised(lambda: asyncio.run(ask_stream(model, False, "hi", config=_CONFIG))),
        "abatch": _raised(lambda: asyncio.run(model.abatch(["hi"], config=_CONFIG))),
    }
    _all_sdk_class(raised, provider)


def _wrapped(model: Any) -> dict[str, Any]:
    """Runnables that run `model` alone: their deadline is the model's."""
    prompt = ChatPromptTemplate.from_template("{x}")
    return {
        "with_retry": model.with_retry(),
        "with_config": model.with_config(tags=["t"]),
        "with_fallbacks on one wire": model.with_fallbacks([model]),
        "chain": prompt | model | StrOutputParser(),
        "configurable_fields": model.configurable_fields(temperature=ConfigurableField(id="t")),
        "router": ModelRouter({"a": model, "b": model.bind(stop=["x"])}, choose=lambda _: "a"),
    }


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_wrapper_or_chain_of_one_model_raises_its_class_sync_and_async(
    silent: SilentServer, provider: str
) -> None:
    raised = {}
    for name, runnable in _wrapped(_model(provider, silent.url)).items():
        arg: Any = {"x": "hi"} if name == "chain" else "hi"
        raised[f"{name} invoke"] = _raised(lambda r=runnable, a=arg: r.invoke(a, config=_CONFIG))
        raised[f"{name} ainvoke"] = _raised(
            lambda r=runnable, a=arg: asyncio.run(r.ainvoke(a, config=_CONFIG))
        )
    _all_sdk_class(raised, provider)


def test_a_chat_models_deadline_error_is_its_wires_and_a_fake_ones_is_chatplexs() -> None:
    err = init_chat_model("openai:m", api_key="sk-test")._deadline_error(
        DeadlineExceededError("the call's deadline passed"), {}
    )
    assert isinstance(err, openai.APITimeoutError)
    assert isinstance(err, DeadlineExceededError)
    assert str(err) == "the call's deadline passed"  # chatplex's own words, its own family
    plain = DeadlineExceededError("x")
    assert FakeChatModel(responses=["a"])._deadline_error(plain, {}) is plain


def test_runnables_of_several_wires_keep_chatplexs_class() -> None:
    # Which of them ran is not known where the watch fires: no SDK's class is claimed.
    openai_model = init_chat_model("openai:m", api_key="sk-test")
    anthropic_model = init_chat_model("anthropic:m", api_key="sk-test")
    for mixed in (
        openai_model.with_fallbacks([anthropic_model]),
        openai_model | anthropic_model,
        ModelRouter({"a": openai_model, "b": anthropic_model}, choose=lambda _: "a"),
    ):
        plain = DeadlineExceededError("x")
        assert mixed._deadline_error(plain, {}) is plain
        assert type(plain) is DeadlineExceededError
    # One wire's models: its class (fallbacks to another model of the same wire).
    same_wire = openai_model.with_fallbacks([init_chat_model("openai:n", api_key="sk-test")])
    widened = same_wire._deadline_error(DeadlineExceededError("x"), {})
    assert isinstance(widened, openai.APITimeoutError)


def test_a_traced_chains_run_is_told_the_class_the_call_raises(silent: SilentServer) -> None:
    """`on_chain_error` hears the error the caller catches, of its class when heard, sync
    and async (the chain's watch fires inside its traced run)."""

    class Heard:
        def __init__(self) -> None:
            self.errors: list[tuple[BaseException, bool]] = []

        def on_chain_error(self, error: BaseException, **kwargs: Any) -> None:
            self.errors.append((error, isinstance(error, openai.APITimeoutError)))

    chain = ChatPromptTemplate.from_template("{x}") | _model("openai", silent.url)
    for call in (chain.invoke, lambda *a, **k: asyncio.run(chain.ainvoke(*a, **k))):
        heard = Heard()
        config: RunnableConfig = {**_CONFIG, "callbacks": [heard]}
        raised = _raised(lambda c=call, cfg=config: c({"x": "hi"}, config=cfg))
        assert heard.errors == [(raised, True)]


def test_a_models_run_is_told_the_class_the_call_raises() -> None:
    """`on_llm_error` hears a deadline in the class the caller catches, on every path,
    whatever raised it plain (here the model's send itself: no race with a timer)."""

    class Late(ChatModel):
        def _send(self, *args: Any) -> Any:
            raise DeadlineExceededError("the call's deadline passed")

        async def _asend(self, *args: Any) -> Any:
            self._send()

        def _send_stream(self, *args: Any) -> Any:
            yield self._send()

        async def _asend_stream(self, *args: Any) -> Any:
            yield self._send()

    heard: list[bool] = []

    class Heard:
        def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
            heard.append(isinstance(error, openai.APITimeoutError))

    model = Late(init_chat_model("openai:m", api_key="sk-test").adapter, "m")
    config: RunnableConfig = {"callbacks": [Heard()]}
    _raised(lambda: model.invoke("hi", config=config))
    _raised(lambda: asyncio.run(model.ainvoke("hi", config=config)))
    _raised(lambda: list(model.stream("hi", config=config)))
    _raised(lambda: asyncio.run(ask_stream(model, False, "hi", config=config)))
    assert heard == [True, True, True, True]


def test_a_models_run_cut_by_the_deadlines_watch_hears_the_deadline() -> None:
    """An async call's watch cuts it short by cancelling it: the model's run, inside the
    watch, hears the deadline's error in the class the call raises (as a sync call's run
    does), not the cancellation; so do the runs of a chain and a map around it. The model
    waits for ever: the watch always fires (no race with a wire's timer)."""

    class Forever(ChatModel):
        async def _asend(self, *args: Any) -> Any:
            await asyncio.sleep(3600)

        async def _asend_stream(self, *args: Any) -> Any:
            await asyncio.sleep(3600)
            yield  # pragma: no cover - never reached

    heard: list[tuple[str, str]] = []

    class Heard:
        def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
            heard.append(("llm", _sdk_or_name(error)))

        def on_chain_error(self, error: BaseException, **kwargs: Any) -> None:
            heard.append(("chain", _sdk_or_name(error)))

    model = Forever(init_chat_model("openai:m", api_key="sk-test").adapter, "m")
    mapped = RunnableParallel(reply=ChatPromptTemplate.from_template("{x}") | model)
    config: RunnableConfig = {"timeout": 0.05, "callbacks": [Heard()]}
    _raised(lambda: asyncio.run(model.ainvoke("hi", config=config)))
    assert heard == [("llm", "APITimeoutError")]
    heard.clear()
    _raised(lambda: asyncio.run(mapped.ainvoke({"x": "hi"}, config=config)))
    assert heard == [("llm", "APITimeoutError")] + [("chain", "APITimeoutError")] * 2
    heard.clear()
    _raised(lambda: asyncio.run(ask_stream(mapped, False, {"x": "hi"}, config=config)))
    assert heard and all(seen == "APITimeoutError" for _, seen in heard), heard


def _sdk_or_name(error: BaseException) -> str:
    """The openai SDK's timeout class as `APITimeoutError`, any other by its name."""
    return "APITimeoutError" if isinstance(error, openai.APITimeoutError) else type(error).__name__
