"""langchain-google-genai's SDK client (`llm.client`, a `google.genai.Client`; `llm.
async_client` is its `.aio`), built as its validator builds it for the Gemini API: the
key, and `HttpOptions` of its base URL, API version, headers (its User-Agent under the
script's `additional_headers`) and `client_args` for both HTTP clients. The drop-in
builds it on first read (`PartnerFields.clients`), for a script's own use; chatplex's
calls do not go through it. google-genai is imported when it is built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .genai_backend import on_vertex
from .genai_backend import vertex_express

__all__ = ["gemini_client"]

#: langchain-google-genai's telemetry tag on its User-Agent, where this variable is set.
_TELEMETRY = ("GOOGLE_CLOUD_AGENT_ENGINE_ID", "+remote_reasoning_engine")
#: The User-Agent it names itself by (its version: the partner's, `{partner_version}`).
USER_AGENT = "langchain-google-genai/{partner_version}-ChatGoogleGenerativeAI"


def gemini_client(
    *,
    api_key: str | None = None,
    base_url: str | Mapping[str, str] | None = None,
    api_version: str | None = None,
    headers: Mapping[str, str] | None = None,
    client_args: dict[str, Any] | None = None,
    vertexai: bool | None = None,
    project: str | None = None,
    location: str | None = None,
    credentials: Any = None,
) -> Any:
    """A `google.genai.Client` as langchain-google-genai builds it (`headers`: its
    User-Agent, then the script's; `base_url` a {"api_endpoint": ...} dict too, its
    legacy `client_options`): a Vertex AI client where its fields choose Vertex AI
    (`genai_backend.on_vertex`), its key (never beside credentials) only in express mode."""
    try:
        from google.genai import Client
        from google.genai.types import HttpOptions
    except ModuleNotFoundError as err:
        raise ImportError(
            "the partner class's SDK client (google.genai:Client) needs the "
            "'google-genai' package: pip install google-genai"
        ) from err

    sent = dict(headers or {})
    agent = sent.get("user-agent")
    if agent and os.environ.get(_TELEMETRY[0]) and agent.startswith("langchain-google-genai/"):
        sent["user-agent"] = agent + _TELEMETRY[1]
    if isinstance(base_url, Mapping):
        base_url = base_url.get("api_endpoint")
    # (its sync and async HTTP clients made with the same `client_args`)
    options: dict[str, Any] = {"base_url": base_url, "api_version": api_version, "headers": sent}
    options |= dict.fromkeys(("client_args", "async_client_args"), client_args)
    if not on_vertex(vertexai, credentials, project):
        return Client(api_key=api_key, http_options=HttpOptions(**options))
    express = vertex_express(credentials, project, location)
    return Client(
        vertexai=True,
        project=project,
        location=location,
        credentials=credentials,
        api_key=api_key if express else None,
        http_options=HttpOptions(**options),
    )
