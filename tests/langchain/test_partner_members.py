"""Every public member of a partner's model is there on the drop-in: a script that
reads an attribute or calls a method of its LangChain class (`await llm.aclose()`,
`llm.client`, `llm.get_num_tokens(...)`) finds it. Read from the installed partner
packages, so a release that adds a member fails here until the drop-in has it or a
reason is listed below. The drop-ins checked are those built offline beside their
partner in `test_sdk_clients.py`.

The partner's pydantic validators (`validate_environment`, `build_extra`...) are left
out: pydantic runs them at construction, and the drop-in's field store does that work.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_sdk_clients import _BUILT
from test_sdk_clients import _pair

#: Members a drop-in lacks on purpose: (drop-in, member) -> why.
NOT_THERE: dict[tuple[str, str], str] = {
    ("ChatMistralAI", "completion_with_retry"): (
        "langchain-mistralai's own request helper, which posts a body it built over its "
        "private httpx client; the drop-in's calls go through chatplex's engine"
    ),
}


def _validators(cls: type) -> set[str]:
    """The names of a pydantic model class's validators."""
    found = cls.__pydantic_decorators__
    return {
        *found.model_validators,
        *found.field_validators,
        *found.validators,
        *found.root_validators,
    }


def _public(model: Any) -> list[str]:
    return [name for name in dir(model) if not name.startswith("_")]


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(_BUILT))
def test_every_public_member_of_the_partners_model_is_on_the_drop_in(name: str) -> None:
    ours, theirs = _pair(name, {})
    validators = _validators(type(theirs))
    missing = {
        member
        for member in _public(theirs)
        if member not in validators and not hasattr(ours, member)
    }
    listed = {member for (owner, member) in NOT_THERE if owner == name}
    assert missing == listed, f"missing: {sorted(missing - listed)}; listed, there: " + str(
        sorted(listed - missing)
    )


def test_every_listed_member_names_a_checked_drop_in() -> None:
    assert {owner for owner, _ in NOT_THERE} <= set(_BUILT)
