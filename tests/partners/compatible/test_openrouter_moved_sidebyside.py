"""ChatOpenRouter given `extra_body=` or `default_query=`: langchain-openrouter's class has
no such fields, so its validator moves them into `model_kwargs` (with a warning) and its
calls hand them to the openrouter SDK's `Chat.send()`, which raises a TypeError at every
call. The drop-in sends them (the fields in the body; the parameters on the URL), as
`ChatOpenAI` does: kept rows, side by side on the module's server."""

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


@pytest.mark.parametrize("name", sorted(GIVEN))
def test_a_setting_its_class_has_no_field_for_is_sent(name: str, server: ScriptedServer) -> None:
    server.handler = openrouter_reply("Hello.")
    outcome = both_sides(server, _script(name))
    assert_same(DIFFERENCES["openrouter", name][1](outcome))
