"""The account the openai SDK's client sends where it is given none: its organization
and project, read from OPENAI_ORG_ID and OPENAI_PROJECT_ID when the client is built and
sent as `OpenAI-Organization` / `OpenAI-Project`, to whatever server it calls (a
langchain-openai subclass's provider too: langchain-deepseek's, -xai's...).

>>> sdk_project("proj-given")
'proj-given'
"""

from __future__ import annotations

import os

__all__ = ["sdk_account", "sdk_project"]


def sdk_project(given: str | None) -> str | None:
    """The project the openai SDK's client sends: the one given, else OPENAI_PROJECT_ID's."""
    return given if given is not None else os.environ.get("OPENAI_PROJECT_ID") or None


def sdk_account() -> dict[str, str | None]:
    """The organization and project of an openai SDK client given neither, as adapter
    keywords: those the environment holds."""
    return {"organization": os.environ.get("OPENAI_ORG_ID") or None, "project": sdk_project(None)}
