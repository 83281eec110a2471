"""langchain-google-genai's Vertex AI backend (`GenaiVertexAdapter`): the Gemini API's
translation as that package writes it and reads the replies (`GeminiAdapter`'s), sent
where the google-genai SDK sends a Vertex AI client's calls.

The SDK's rules, as `ChatGoogleGenerativeAI(vertexai=True, ...)` builds its client:

- version `v1beta1`; the model `publishers/google/models/<m>` (a `<publisher>/<m>` name
  that publisher's, a `projects/...` path as given), under
  `projects/<project>/locations/<location>/`;
- the host `aiplatform.googleapis.com` for location "global" (the default),
  `aiplatform.<l>.rep.googleapis.com` for the multi-regions "us" and "eu", else
  `<location>-aiplatform.googleapis.com`;
- credentials (given, else Application Default Credentials, which may name the
  project) as a bearer token; or express mode: an API key, where no credentials,
  project or location are given nor `GOOGLE_CLOUD_PROJECT` set, sent as
  `x-goog-api-key` to `publishers/google/models/<m>` with no project.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = GenaiVertexAdapter(api_key="AQ-example")
>>> adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="gemini-2.5-flash"), stream=False
... ).url
'https://aiplatform.googleapis.com/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote
from urllib.parse import urlsplit

from ...adapters.base_url import BaseURL
from ...adapters.base_url import take_base_url
from ...adapters.connection import adapter_repr
from ...adapters.keys import as_secret
from ...secret import Secret
from ...secret.urls import hold_url
from .adapter import GeminiAdapter
from .adapter import _model_path
from .adapter import checked_api_version
from .adapter import checked_location
from .genai_backend import vertex_express
from .vertex_auth import VertexAuth
from .vertex_auth import authorized
from .vertex_auth import keyed_headers

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from .batch import GeminiBatches

__all__ = ["GenaiVertexAdapter"]

_HOST = "aiplatform.googleapis.com"
#: The locations google-genai calls at a multi-regional host.
_MULTI_REGIONS = frozenset({"us", "eu"})


def _on_google_host(base_url: str | Secret) -> bool:
    """Whether `base_url` is one of Google's (`*.googleapis.com`)."""
    host = urlsplit(base_url.get() if isinstance(base_url, Secret) else base_url).hostname
    return host is not None and (host == "googleapis.com" or host.endswith(".googleapis.com"))


class GenaiVertexAdapter(GeminiAdapter):
    """The Gemini wire as langchain-google-genai writes it, at Vertex AI (see the module
    docstring). `project` / `location` default to `GOOGLE_CLOUD_PROJECT` /
    `GOOGLE_CLOUD_LOCATION`; `api_key` is used only in express mode, as the SDK
    takes its key then."""

    _vertex = True  # (Vertex AI's fields taken, the Gemini API's own refused)

    def __init__(
        self,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        api_version: str = "v1beta1",
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        partner_replies: bool = False,
    ) -> None:
        base_url = hold_url(base_url)  # rebound first: no local holds a credential in clear
        api_key = as_secret(api_key) or None
        checked_api_version(api_version, "'v1beta1' or 'v1'")
        named = project  # (one from the environment does not name the path at a base URL)
        express = api_key is not None and vertex_express(credentials, project, location)
        project = project or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
        location = location or os.environ.get("GOOGLE_CLOUD_LOCATION") or None
        if location is not None:
            checked_location(location)
        self._api_key: Secret | None = api_key if express else None
        self._auth: VertexAuth | None = None
        if (
            base_url is not None
            and not express
            and (named is None or location is None)
            and not _on_google_host(base_url)
        ):
            raise NotImplementedError(
                "Gemini on Vertex AI at a base_url of your own, without project= and "
                "location= given: google-genai then sends every call to that URL as given "
                "(a gateway's), which chatplex does not build; pass project= and location="
            )
        if not express:
            location = location or "global"
            self._auth = VertexAuth(credentials, project)  # (Application Default Credentials)
            project = self._auth.project
        self.project, self.location, self.api_version = project, location, api_version
        self._scope = (
            "" if express else f"projects/{quote(project or '', safe='')}/locations/{location}/"
        )
        if location is None or location == "global":
            host = _HOST
        elif location in _MULTI_REGIONS:
            host = f"aiplatform.{location}.rep.googleapis.com"
        else:
            host = f"{location}-{_HOST}"
        prefix = f"/{api_version}"
        where = BaseURL.parse(
            take_base_url(base_url, "GOOGLE_VERTEX_BASE_URL", f"https://{host}"), prefix
        )
        self._key_digest, headers = keyed_headers(self._api_key, self._auth, where)
        self._partner_replies = partner_replies
        self._route(
            where,
            prefix,
            headers,
            default_headers=default_headers,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
        )

    def _model_route(self, model: str) -> str:
        """The path of `model` as google-genai names it on Vertex AI (`t_model`): under
        the project's location, unless it is a `projects/...` path of its own."""
        name = model.removeprefix("models/")
        if name.startswith("projects/"):
            return f"{self._prefix}/{_model_path(name)}"
        if not name.startswith("publishers/"):
            publisher, own = name.split("/", 1) if "/" in name else ("google", name)
            name = f"publishers/{publisher}/models/{own}"
        return f"{self._prefix}/{self._scope}{_model_path(name)}"

    def _call_headers(self) -> Mapping[str, Any]:
        """The headers plus the bearer token (refreshed by google-auth if it expired)."""
        return authorized(self._headers, self._auth)

    def __repr__(self) -> str:
        return adapter_repr(self, "GenaiVertexAdapter", api_key="_api_key")

    def batch_api_for(self, model: str, limits: Limits | None = None) -> GeminiBatches:
        """Vertex AI batch prediction is not built: a clear error, before anything runs."""
        raise NotImplementedError(
            "Vertex AI batch prediction (jobs reading from Cloud Storage or BigQuery) is "
            "not built in chatplex: submit_batch cannot use Gemini on Vertex AI; use the "
            "Gemini API's batch mode with a Gemini API key"
        )
