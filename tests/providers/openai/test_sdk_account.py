"""The organization and project the openai SDK's client reads from the environment when
given none (`sdk_account.py`), read the same: the SDK's own client is the oracle. Where
the drop-ins send them: tests/partners/test_openai_environment.py (ChatOpenAI, Azure) and
tests/partners/compatible/test_compatible_environment.py (langchain-openai's subclasses)."""

from __future__ import annotations

import pytest

from chatplex.providers.openai.sdk_account import sdk_account
from chatplex.providers.openai.sdk_account import sdk_project

openai = pytest.importorskip("openai")


@pytest.mark.parametrize(
    ("organization", "project"),
    [("org-env", "proj-env"), ("org-env", None), (None, "proj-env"), (None, None)],
)
def test_the_environments_account_is_the_sdks(
    organization: str | None, project: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in (("OPENAI_ORG_ID", organization), ("OPENAI_PROJECT_ID", project)):
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    client = openai.OpenAI(api_key="k-test")
    assert sdk_account() == {"organization": client.organization, "project": client.project}
    assert sdk_account() == {"organization": organization, "project": project}


def test_a_given_project_is_sent_over_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    client = openai.OpenAI(api_key="k-test", project="proj-given")
    assert sdk_project("proj-given") == client.project == "proj-given"
