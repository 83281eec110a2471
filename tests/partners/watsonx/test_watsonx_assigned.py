"""A ChatWatsonx changed after construction, side by side with langchain-ibm: its
`params` (its chat fields merged in by its validator) are what it sends, so `params`
assigned, or changed in place, are sent as they are, a chat field they no longer hold is
not, and a copy made with `model_copy(update=...)` sends its `params` too. A chat field
assigned (`model.temperature = 0`) is written into the drop-in's `params` and sent
(langchain-ibm keeps sending the value it was built with: a kept difference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners.watsonx.test_watsonx_sidebyside import _service
from tests.partners.watsonx.test_watsonx_sidebyside import ours
from tests.partners.watsonx.test_watsonx_sidebyside import theirs


@pytest.fixture(autouse=True)
def _partner_installed() -> None:
    pytest.importorskip("langchain_ibm")


def _sent(server: ScriptedServer, model: Any) -> tuple[dict[str, Any], Any]:
    """The chat parameters one call sent (the body less its messages, model and
    project), and the model's `params` read back then."""
    server.seen.clear()
    model.invoke("hi")
    body = server.seen[-1].body
    sent = {k: v for k, v in body.items() if k not in ("messages", "model_id", "project_id")}
    return sent, model.params


def _both(
    server: ScriptedServer, change: Callable[[Any], Any], **given: Any
) -> list[tuple[dict[str, Any], Any]]:
    """For langchain-ibm's model, then the drop-in, built with `given` and changed by
    `change` (which returns the model to call): what is sent, and `params` then."""
    server.handler = _service
    return [
        _sent(server, change(build()))
        for build in (lambda: theirs(**given), lambda: ours(server.url, **given))
    ]


def _assigned(name: str, value: Any) -> Callable[[Any], Any]:
    def change(model: Any) -> Any:
        setattr(model, name, value)
        return model

    return change


#: How a model is changed -> (the change, the constructor's keywords).
CHANGES: dict[str, tuple[Callable[[Any], Any], dict[str, Any]]] = {
    "params_assigned": (_assigned("params", {"top_p": 0.5}), {"temperature": 0.1}),
    "params_emptied": (_assigned("params", {}), {"temperature": 0.1, "seed": 3}),
    "params_in_place": (lambda m: m.params.update({"seed": 7}) or m, {"temperature": 0.1}),
    "copy_updated": (lambda m: m.model_copy(update={"temperature": 0.7}), {"temperature": 0.1}),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_params_are_what_is_sent_as_langchain_ibm_sends_them(
    name: str, cloud: ScriptedServer
) -> None:
    change, given = CHANGES[name]
    their, our = _both(cloud, change, **given)
    assert our == their


# -- Kept differences: each script shows LangChain's outcome, then chatplex's. --

_FIELD_ASSIGNED = Difference(
    Reason.LOSES_DATA,
    "a chat field assigned after construction (`model.temperature = 0`, `model.seed = "
    "2`) is never sent: the request keeps the value the model was built with (its "
    "`params`, merged by its validator)",
    "the value assigned is written into `params` and sent (None: not sent)",
)

#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Any], Any]]] = {
    "field_assigned": (_FIELD_ASSIGNED, lambda outcome: outcome),
}


def test_field_assigned(cloud: ScriptedServer) -> None:
    their, our = _both(cloud, _assigned("temperature", 0.9), temperature=0.1, seed=3)
    assert their == ({"temperature": 0.1, "seed": 3},) * 2
    assert our == ({"temperature": 0.9, "seed": 3},) * 2
    their, our = _both(cloud, _assigned("temperature", None), temperature=0.1)
    assert their[0] == {"temperature": 0.1}
    assert our == ({}, {})


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
