"""Keywords a preset's partner class has no field for, though other classes do (`top_p`
on langchain-groq's and -fireworks', `n` on -mistralai's, -sambanova's and
-perplexity's, `extra_body` on the SDK-backed ones): its validator moves them into
`model_kwargs`, with its warning, so the model reads them there and serializes them
there, and its payload is `{**model_kwargs, **a call's keywords}`. The drop-in holds
them so (`DropIn.moved`) and sends what the partner sends: the field as given, a
call's own value over it, an `extra_body` merged into the body by the SDK.

Each case builds the partner's class and the drop-in with the same keywords, pointed
at one scripted server by the partner's base URL variable, and compares the warnings
naming the keyword, `model_kwargs`, the serialized keywords (where the class is
serializable) and the body's fields the case is about."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_sambanova_sidebyside import SAMBANOVA

_PRESETS = {**PACKAGES, "sambanova": SAMBANOVA}
_REPLY = json.dumps(chat_completion("hi", created=1)).encode()

#: (preset, keyword, value): the keywords its partner class moves into `model_kwargs`.
MOVED = [
    ("groq", "top_p", 0.5),
    ("groq", "top_p", "0.5"),  # (a script's os.environ value: sent as given, as there)
    ("groq", "extra_body", {"z": 1}),
    ("fireworks", "top_p", 0.5),
    ("fireworks", "extra_body", {"z": 1}),
    ("fireworks", "top_k", 40),  # (Fireworks' own sampling parameters, its SDK's create()'s)
    ("fireworks", "min_p", 0.1),
    ("mistralai", "n", 2),
    ("mistralai", "safe_prompt", True),  # (Mistral's own, `safe_mode` the class's name)
    ("mistralai", "prompt_mode", "reasoning"),
    ("sambanova", "n", 2),
    ("sambanova", "extra_body", {"z": 1}),
    ("perplexity", "n", 2),
    ("perplexity", "extra_body", {"z": 1}),
    ("perplexity", "num_search_results", 3),  # (its SDK's create()'s, no field of its class)
    ("perplexity", "image_domain_filter", ["example.com"]),
]
#: The body fields compared, by the keyword a case is about (an `extra_body` holds "z").
_FIELDS = {
    "top_p": ("top_p",),
    "n": ("n",),
    "extra_body": ("z", "extra_body"),
    "top_k": ("top_k",),
    "min_p": ("min_p",),
    "num_search_results": ("num_search_results",),
    "image_domain_filter": ("image_domain_filter",),
    "stream_mode": ("stream_mode",),
    "safe_prompt": ("safe_prompt",),
    "prompt_mode": ("prompt_mode",),
}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_REPLY])
        yield served


def _seen(
    package: Package,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    given: dict[str, Any],
    call: dict[str, Any],
    about: str,
    how: str = "invoke",
) -> list[Any]:
    """Per class (the partner's, the drop-in): the moved keyword's warnings and log
    records, `model_kwargs`, its serialized keywords, and the body fields one call sent."""
    from langchain_core.load import dumpd

    monkeypatch.setenv(package.base_variable, package.base(server.url))
    monkeypatch.setenv(package.key_variable, "sk-test-0000")
    out = []
    for cls in (package.partner(), package.ours()):
        with warnings.catch_warnings(record=True) as said, _logged() as logged:
            warnings.simplefilter("always")
            model = cls(model=package.model, max_retries=0, **json.loads(json.dumps(given)))
        # Its words alone: the keyword as a word (`n` is in most texts), and no socket an
        # earlier test left, collected now (a ResourceWarning), nor another test's thread
        # logging beside it.
        named = [
            str(w.message)
            for w in said
            if _names(str(w.message), given) and not issubclass(w.category, ResourceWarning)
        ]
        records = [r for r in logged if _names(r.getMessage(), given)]
        serialized = (
            dumpd(model).get("kwargs", {}).get("model_kwargs")
            if model.is_lc_serializable()
            else None
        )
        server.seen.clear()
        if how == "ainvoke":
            asyncio.run(model.ainvoke("hi", **call))
        else:
            model.invoke("hi", **call)
        (request,) = server.seen
        body = {k: v for k, v in request.body.items() if k in _FIELDS[about]}
        out.append((len(named), len(records), model.model_kwargs, serialized, body))
    return out


def _names(text: str, given: dict[str, Any]) -> bool:
    """Whether `text` names one of the `given` keywords, as a word."""
    return any(re.search(rf"\b{re.escape(k)}\b", text) for k in given)


class _logged:
    """The partner package's log records while a model is built (langchain-perplexity
    logs its warning instead of warning it)."""

    def __enter__(self) -> list[logging.LogRecord]:
        self.records: list[logging.LogRecord] = []
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = self.records.append  # type: ignore[method-assign]
        logging.getLogger().addHandler(self.handler)
        return self.records

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self.handler)


@pytest.mark.parametrize(("preset", "keyword", "value"), MOVED)
def test_a_keyword_its_class_has_no_field_for_is_held_and_sent_as_there(
    preset: str,
    keyword: str,
    value: Any,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    theirs, ours = _seen(_PRESETS[preset], server, monkeypatch, {keyword: value}, {}, keyword)
    assert ours == theirs
    warned, logged, held, _, body = ours
    assert (warned, logged) in ((1, 0), (0, 1))  # its warning, said once
    assert held == {keyword: value}
    assert body == (value if keyword == "extra_body" else {keyword: value})


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("preset", ["groq", "fireworks", "perplexity"])
@pytest.mark.parametrize("given", ["keyword", "model_kwargs"])
def test_a_calls_top_p_replaces_the_models_as_there(
    preset: str, given: str, how: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its payload is `{**model_kwargs, **kwargs}`; before, the drop-in sent a
    # `model_kwargs` top_p over the call's own.
    held = {"top_p": 0.5} if given == "keyword" else {"model_kwargs": {"top_p": 0.5}}
    theirs, ours = _seen(_PRESETS[preset], server, monkeypatch, held, {"top_p": 0.9}, "top_p", how)
    assert ours[2:] == theirs[2:]
    assert ours[4] == {"top_p": 0.9}


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("preset", ["groq", "fireworks", "sambanova", "perplexity"])
def test_an_extra_body_given_in_model_kwargs_is_merged_as_there(
    preset: str, how: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its SDK's `create()` takes it as a request option and merges it into the body;
    # before, the drop-in posted a body field named "extra_body".
    held = {"model_kwargs": {"extra_body": {"z": 1}}}
    theirs, ours = _seen(_PRESETS[preset], server, monkeypatch, held, {}, "extra_body", how)
    assert ours[2:] == theirs[2:]
    assert ours[4] == {"z": 1}


#: (preset, the model's keywords, a call's, the one compared): a provider's own parameter
#: a call gives, which its partner sends (its SDK's `create()` takes it, or its payload
#: carries any keyword) and the drop-in refused as unknown before.
CALLS_OWN = [
    (
        "fireworks",
        {"model_kwargs": {"top_k": 40}},
        {"top_k": 5, "repetition_penalty": 1.1},
        "top_k",
    ),
    ("perplexity", {}, {"stream_mode": "concise"}, "stream_mode"),  # (its image filters...)
    ("mistralai", {}, {"prompt_mode": "reasoning"}, "prompt_mode"),  # (a reasoning prompt)
]


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize(("preset", "given", "call", "about"), CALLS_OWN)
def test_a_calls_own_provider_parameter_is_sent_as_there(
    preset: str,
    given: dict[str, Any],
    call: dict[str, Any],
    about: str,
    how: str,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    theirs, ours = _seen(_PRESETS[preset], server, monkeypatch, given, call, about, how)
    assert ours[2:] == theirs[2:]
    assert ours[4] == {about: call[about]}
