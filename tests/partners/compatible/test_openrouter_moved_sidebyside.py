"""ChatOpenRouter given `extra_body=`, `default_query=` or a Chat Completions parameter
`Chat.send()` does not name (`prediction`): langchain-openrouter's class has no such
fields, so its validator moves them into `model_kwargs` (with a warning) and its calls
hand them to the openrouter SDK's `Chat.send()`, which raises a TypeError at every call;
its own `route` field goes there too. The drop-in sends them (the fields in the body;
the parameters on the URL), as `ChatOpenAI` does: kept rows, side by side on the
module's server. OpenRouter's own fields `Chat.send()` names (`models`, `provider`,
`top_k`...) are sent by both."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners.compatible.test_openrouter_attribution_sidebyside import OPENROUTER
from tests.partners.compatible.test_openrouter_reply_sidebyside import both_sides
from tests.partners.compatible.test_openrouter_reply_sidebyside import openrouter_reply

pytest.importorskip("langchain_openrouter")

#: Script -> (the keyword given, where ours sends it: a request's body field or its
#: path's query, what arrives there, and chatplex's words for it).
GIVEN: dict[str, tuple[dict[str, Any], Callable[[dict[str, Any]], Any], Any, str]] = {
    "extra_body_given": (
        {"extra_body": {"transforms": ["middle-out"]}},
        lambda request: request["body"].get("transforms"),
        ["middle-out"],
        "its fields are merged into the body of every request, as `ChatOpenAI` merges them",
    ),
    "default_query_given": (
        {"default_query": {"tenant": "t1"}},
        lambda request: request["path"].partition("?")[2],
        "tenant=t1",
        "the parameters are added to the URL of every request, as `ChatOpenAI` adds them",
    ),
    # (a Chat Completions parameter `Chat.send()` does not name, as `store`, `audio`...)
    "prediction_given": (
        {"prediction": {"type": "content", "content": "Hello."}},
        lambda request: request["body"].get("prediction"),
        {"type": "content", "content": "Hello."},
        "it is sent as the Chat Completions parameter it is, as `ChatOpenAI` sends it",
    ),
}


def _script(name: str) -> Callable[[Any, str], Any]:
    given = GIVEN[name][0]

    def script(cls: Any, url: str) -> Any:
        with warnings.catch_warnings():  # (theirs: moved to model_kwargs)
            warnings.simplefilter("ignore")
            model = cls(
                model=OPENROUTER.model,
                api_key="k",
                base_url=OPENROUTER.base(url),
                max_retries=0,
                **given,
            )
        return attempted(lambda: model.invoke("Hi"))

    return script


def _sent_alone(name: str) -> Callable[[Outcome], Outcome]:
    """Theirs refused the call before any request; ours sent the setting. Then theirs
    read as ours."""
    _, where, arrived, _ = GIVEN[name]

    def normalized(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs == {"refused": "TypeError"} and not their_requests, their_requests
        assert [where(r) for r in our_requests] == [arrived], our_requests
        return ours, ours, our_requests, our_requests

    return normalized


DIFFERENCES = {
    ("openrouter", name): (
        Difference(
            Reason.RAISES,
            f"takes `{next(iter(given))}=` into `model_kwargs` (it has no such field) and "
            "passes it to the openrouter SDK's `Chat.send()`, which raises a TypeError at "
            "every call",
            words,
        ),
        _sent_alone(name),
    )
    for name, (given, _, _, words) in GIVEN.items()
}


GIVEN["route_given"] = (
    {"route": "fallback"},
    lambda request: request["body"].get("route"),
    "fallback",
    "`route` is sent as OpenRouter's request field",
)
DIFFERENCES["openrouter", "route_given"] = (
    Difference(
        Reason.RAISES,
        "hands its own `route` field to the openrouter SDK's `Chat.send()`, which has no "
        "such keyword: a TypeError at every call",
        GIVEN["route_given"][3],
    ),
    _sent_alone("route_given"),
)


@pytest.mark.parametrize("name", sorted(GIVEN))
def test_a_setting_its_sdk_refuses_is_sent(name: str, server: ScriptedServer) -> None:
    server.handler = openrouter_reply("Hello.")
    outcome = both_sides(server, _script(name))
    assert_same(DIFFERENCES["openrouter", name][1](outcome))


#: OpenRouter's own request fields `Chat.send()` names and ChatOpenRouter has no field for.
SEND_FIELDS = {
    "models": ["openai/gpt-4o", "anthropic/claude-sonnet-4"],
    "provider": {"order": ["openai"], "allow_fallbacks": False},
    "top_k": 3,
    "top_a": 0.5,
    "min_p": 0.1,
    "repetition_penalty": 1.1,
    "cache_control": {"type": "ephemeral"},
}


@pytest.mark.parametrize("where", ["constructor", "call"])
def test_openrouters_own_request_fields_are_sent_as_there(
    where: str, server: ScriptedServer
) -> None:
    """langchain-openrouter moves them into `model_kwargs` (warned) or takes them per call,
    and its SDK's `Chat.send()` sends them; the drop-in refused them as unknown."""

    def script(cls: Any, url: str) -> Any:
        settings = {"model": OPENROUTER.model, "api_key": "k", "base_url": OPENROUTER.base(url)}
        if where == "call":
            return cls(**settings).invoke("Hi", **SEND_FIELDS)
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            model = cls(**settings, **SEND_FIELDS)
        moved = sorted(str(w.message).split()[1] for w in said if "WARNING!" in str(w.message))
        return [moved, model.model_kwargs, model.invoke("Hi")]

    server.handler = openrouter_reply("Hello.")
    outcome = both_sides(server, script)
    assert_same(outcome)
    assert all(outcome[3][0]["body"][k] == v for k, v in SEND_FIELDS.items())
