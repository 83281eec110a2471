"""ChatAnthropic side by side on `context_management` and the other fields only the
anthropic SDK's beta client takes (`mcp_servers`, `compaction`, `fallbacks`...):
langchain-anthropic, calling without betas (none given, none its tools or fields bring),
hands them to the plain client's `Messages.create()`, which raises TypeError before any
request; with betas (given, or a tool's: the memory tool's
`context-management-2025-06-27`) they are sent. A call whose only beta is its
conversation's (a system turn changing the tools) goes through the beta client too.
Each script runs with both classes against the same scripted Messages server; what it
returns, raises and sends is compared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_sidebyside import ANSWER
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

partner = pytest.importorskip("langchain_anthropic")

EDITS = {"edits": [{"type": "clear_tool_uses_20250919"}]}
BETA = "context-management-2025-06-27"
MEMORY = {"type": "memory_20250818", "name": "memory"}


def _outcome(run: Callable[[], Any]) -> Any:
    """What `run` returned, or the class of what it raised."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"raised": type(exc).__name__}


def without_betas(cls: Any, url: str) -> Any:
    """`context_management` given to the constructor (invoked, streamed, its tokens
    counted), to one call, bound, and beside an `anthropic-beta` default header (not
    betas: the partner's request still goes to the plain client)."""
    from langchain_core.messages import HumanMessage

    model = cls(model=MODEL, api_key=KEY, base_url=url, context_management=EDITS)
    bare = cls(model=MODEL, api_key=KEY, base_url=url)
    headed = cls(
        model=MODEL,
        api_key=KEY,
        base_url=url,
        context_management=EDITS,
        default_headers={"anthropic-beta": BETA},
    )
    return {
        "invoke": _outcome(lambda: model.invoke("Hi")),
        "stream": _outcome(lambda: merged(list(model.stream("Hi")))),
        "count": _outcome(lambda: model.get_num_tokens_from_messages([HumanMessage("Hi")])),
        "per_call": _outcome(lambda: bare.invoke("Hi", context_management=EDITS)),
        "bound": _outcome(lambda: bare.bind(context_management=EDITS).invoke("Hi")),
        "default_header": _outcome(lambda: headed.invoke("Hi")),
    }


def with_betas(cls: Any, url: str) -> Any:
    """`context_management` beside betas: the model's, a call's, or the memory tool's."""
    model = cls(model=MODEL, api_key=KEY, base_url=url, context_management=EDITS)
    given = cls(model=MODEL, api_key=KEY, base_url=url, context_management=EDITS, betas=[BETA])
    return {
        "model_betas": _outcome(lambda: given.invoke("Hi")),
        "model_betas_stream": _outcome(lambda: merged(list(given.stream("Hi")))),
        "call_betas": _outcome(lambda: model.invoke("Hi", betas=[BETA])),
        "memory_tool": _outcome(lambda: model.bind_tools([MEMORY]).invoke("Hi")),
    }


def tool_change_betas(cls: Any, url: str) -> Any:
    """The only beta a call brings is its conversation's: a system turn sent in place
    (claude-opus-5) that removes a tool, or defines one inline beside bound tools. The
    partner calls through the SDK's beta client: its reply shows the beta models'
    fields (None), invoked, awaited and streamed; hoisted (claude-haiku-4-5), the tool
    change is dropped, and so is the beta."""
    import asyncio
    import warnings

    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage

    removal = [HumanMessage("hi"), SystemMessage([{"type": "tool_removal", "name": "add"}])]
    defined = {"type": "tool_definition", "name": "mul", "input_schema": {"type": "object"}}
    inline = [HumanMessage("hi"), SystemMessage([{"type": "tool_addition", "tool": defined}])]
    placed = cls(model="claude-opus-5", api_key=KEY, base_url=url)
    hoisted = cls(model=MODEL, api_key=KEY, base_url=url)
    with warnings.catch_warnings(record=True) as caught:  # (the hoisted block dropped)
        warnings.simplefilter("always")
        dropped = hoisted.invoke(removal).response_metadata
    return {
        "invoke": placed.invoke(removal),
        "ainvoke": asyncio.run(placed.ainvoke(removal)),
        "stream": merged(list(placed.stream(removal))),
        "inline": placed.bind_tools([MEMORY]).invoke(inline),
        "hoisted": [dropped, sorted({w.category.__name__ for w in caught})],
    }


#: The other fields only the beta client takes, each as a script gives it: an empty
#: `mcp_servers` (no server configured: only a non-empty list brings its beta).
OTHERS = {
    "mcp_servers": [],
    "compaction": {"type": "auto"},
    "fallbacks": [{"model": "claude-haiku-4-5"}],
    "thread": {"id": "t-1"},
    "billing_policy": "standard",
    "fallback_credit_token": "fct-opaque-1",
}


def other_fields(cls: Any, url: str) -> Any:
    """Each of `OTHERS` given to the constructor (moved into `model_kwargs`, warned) and
    to one call, without betas (TypeError, nothing sent) and with the model's."""
    import warnings

    out = {}
    for name, value in OTHERS.items():
        for betas in (None, ["b-1"]):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model = cls(model=MODEL, api_key=KEY, base_url=url, betas=betas, **{name: value})
            plain = cls(model=MODEL, api_key=KEY, base_url=url, betas=betas)
            out[f"{name} betas={betas}"] = {
                "moved": [model.model_kwargs, [str(w.message) for w in caught]],
                "built": _outcome(lambda m=model: m.invoke("Hi").content),
                "per_call": _outcome(lambda n=name, v=value, m=plain: m.invoke("Hi", **{n: v})),
            }
    return out


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "context_management_without_betas": (streamed(ANSWER), without_betas),
    "context_management_with_betas": (streamed(ANSWER), with_betas),
    "other_beta_fields": (streamed(ANSWER), other_fields),
    "tool_change_betas": (streamed(ANSWER), tool_change_betas),
}

SUITE = anthropic_suite(SCRIPTS)
test_same_as_langchain_anthropic = SUITE.same_test()


def test_without_betas_nothing_is_sent(server: Any) -> None:
    """What the comparison holds both to, read from ours: TypeError, no request."""
    _, ours, _, requests = SUITE.run("context_management_without_betas", server)
    assert all(outcome == {"raised": "TypeError"} for outcome in ours.values())
    assert requests == []
    _, ours, _, requests = SUITE.run("context_management_with_betas", server)
    assert all("raised" not in outcome for outcome in ours.values())
    assert [r["headers"]["anthropic-beta"] for r in requests] == [BETA] * 4


def test_the_other_fields_are_sent_with_betas_alone(server: Any) -> None:
    """Read from ours: without betas each raises TypeError and sends nothing; with the
    model's, each is sent as given, from the constructor and from the call."""
    _, ours, _, requests = SUITE.run("other_beta_fields", server)
    for name, value in OTHERS.items():
        assert ours[f"{name} betas=None"]["built"] == {"raised": "TypeError"}
        assert ours[f"{name} betas=None"]["per_call"] == {"raised": "TypeError"}
        moved = {} if name == "mcp_servers" else {name: value}  # (a field of the class)
        assert ours[f"{name} betas=['b-1']"]["moved"][0] == moved
    for name, value in OTHERS.items():  # (the requests come sorted, not in their order)
        assert [r["body"][name] for r in requests if name in r["body"]] == [value, value]


def test_the_beta_only_fields_are_those_the_sdks_beta_client_alone_names() -> None:
    """The SDK is the oracle: a new beta field fails this until the wire knows it."""
    import inspect

    import anthropic.resources.beta.messages as beta
    import anthropic.resources.messages as plain

    from chatplex.providers.anthropic.spec import BETA_ONLY

    names = set(inspect.signature(beta.Messages.create).parameters)
    assert names - set(inspect.signature(plain.Messages.create).parameters) - {"betas"} == set(
        BETA_ONLY
    )
