"""OpenAI-compatible providers by name: one declared profile each over the Chat
Completions adapter (`openai.py`), not a copy of it.

A profile says what differs from OpenAI: the provider's default base URL, the
environment variables of its key and base URL (LangChain's names), its official host
(where the environment's key may go), the parameters it rejects (a clear error naming
the provider, before any request) or names otherwise, and the reply fields it adds that
chatplex keeps. Everything else -- messages, tools, streams, usage, reasoning text
(`reasoning_content` from DeepSeek, `reasoning` from Groq and OpenRouter: both read by
the OpenAI adapter) -- is the OpenAI adapter's. Mistral's reasoning comes inside
`content`, as `thinking` parts of a list; its profile declares that (`thinking_parts`),
so only its replies are read for them.

>>> PROFILES["groq"].base_url
'https://api.groq.com/openai/v1'
>>> adapter = preset_adapter_class("groq")(api_key="gsk-example")
>>> adapter.preset, adapter.provider, adapter.base_url
('groq', 'openai', 'https://api.groq.com/openai/v1')

`provider` stays "openai": it names the wire API (what structured output, error classes,
batches and the mock server dispatch on); `preset` names the provider.

The environment's key follows chatplex's one policy (`base.environment_key`): it goes to
the provider's official host, and to a base URL that comes from the environment too
(`GROQ_API_BASE`...), never to a `base_url=` written in code for another host. Local
servers (vLLM, LM Studio, Ollama) have no official host: they get a key only from
`api_key=`.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..messages import AIMessage, AIMessageChunk, BaseMessage
from ..secret import Secret, redact_url
from ._openai_response import parse_reply
from ._openai_stream import OpenAIStreamParser
from .base import (
    CallSettings,
    HTTPRequest,
    SSEEvent,
    as_secret,
    header_value,
    withheld_key_note,
)
from .openai import OpenAIAdapter

__all__ = [
    "PROFILES",
    "CompatibleAdapter",
    "OpenRouterAdapter",
    "Profile",
    "preset_adapter_class",
]

_NO_TOOLS = (
    "the Sonar models take no client-side function tools on Chat Completions "
    "(langchain-perplexity sends tools only to its Responses API)"
)


@dataclass(frozen=True, slots=True)
class Profile:
    """What one OpenAI-compatible provider does differently from OpenAI."""

    #: LangChain's provider name (`init_chat_model("groq:...")`).
    name: str
    #: How errors and docs name it.
    title: str
    #: The base URL when none is given ("/chat/completions" is appended).
    base_url: str
    #: Environment variables holding its key, first found wins; () for keyless servers.
    key_variables: tuple[str, ...] = ()
    #: Environment variables holding a base URL (LangChain's), first found wins.
    base_variables: tuple[str, ...] = ()
    #: The provider's own API host: the environment's key goes there (None: a local
    #: server, which gets a key only from `api_key=`).
    official_host: str | None = None
    #: Appended to a base URL that has no path: the provider SDK's style of base URL
    #: (Groq's SDK and `GROQ_API_BASE` say "https://api.groq.com").
    sdk_path: str = ""
    #: Body parameters the provider refuses, and why: an error before any request.
    rejects: Mapping[str, str] = field(default_factory=dict)
    #: Body parameters sent under the provider's own name (chatplex/OpenAI name → its).
    renames: Mapping[str, str] = field(default_factory=dict)
    #: tool_choice keywords the provider spells otherwise (Mistral: "any").
    tool_choices: Mapping[str, str] = field(default_factory=dict)
    #: Whether a stream asks for usage with `stream_options` (False: the provider sends
    #: usage on its last chunk unasked, or refuses the field).
    stream_options: bool = True
    #: The `with_structured_output` method when none is named (None: the model's own):
    #: Perplexity takes no tools, so its structured output is `response_format`.
    structured_output_method: str | None = None
    #: Top-level reply fields kept in `response_metadata` (Perplexity's citations).
    kept_fields: tuple[str, ...] = ()
    #: The reasoning text field its replies are known to use (for docs: the OpenAI adapter
    #: reads `reasoning` and `reasoning_content` from every server). None: not checked.
    reasoning_field: str | None = None
    #: Whether its replies' `content` may be a list with `thinking` parts (Mistral's
    #: Magistral: `[{"type": "thinking", "thinking": [{"type": "text", "text": ...}]},
    #: {"type": "text", "text": ...}]`), read as reasoning blocks before the text. Off:
    #: list content passes through as sent, and no other provider's reply pays for it.
    thinking_parts: bool = False
    #: Whether it has OpenAI's Batch API (`/files` + `/batches`): Groq does
    #: (console.groq.com/docs/batch); others have none or their own shape.
    batch_api: bool = False
    #: Rate-limit headers it sends, as `http._learn` reads them (for docs): "openai"
    #: (`x-ratelimit-*`) or None (none that chatplex reads).
    rate_limit_headers: str | None = None


def _local(name: str, title: str, base_url: str) -> Profile:
    return Profile(name, title, base_url)


#: LangChain provider name → profile. Sources: the langchain-<provider> packages
#: (variables, defaults) and the providers' API references (rejected parameters).
PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "groq",
            "Groq",
            "https://api.groq.com/openai/v1",
            key_variables=("GROQ_API_KEY",),
            base_variables=("GROQ_API_BASE",),
            official_host="api.groq.com",
            sdk_path="/openai/v1",
            rejects={
                # console.groq.com/docs/openai: "not yet supported", a 400 if supplied.
                "logprobs": "Groq does not support logprobs",
                "top_logprobs": "Groq does not support logprobs",
                "logit_bias": "Groq does not support logit_bias",
            },
            reasoning_field="reasoning",
            rate_limit_headers="openai",
            batch_api=True,
        ),
        Profile(
            "deepseek",
            "DeepSeek",
            "https://api.deepseek.com/v1",
            key_variables=("DEEPSEEK_API_KEY",),
            base_variables=("DEEPSEEK_API_BASE",),
            official_host="api.deepseek.com",
            reasoning_field="reasoning_content",
        ),
        Profile(
            "xai",
            "xAI",
            "https://api.x.ai/v1",
            key_variables=("XAI_API_KEY",),
            base_variables=("XAI_API_BASE",),
            official_host="api.x.ai",
            reasoning_field="reasoning_content",
        ),
        Profile(
            "mistralai",
            "Mistral AI",
            "https://api.mistral.ai/v1",
            key_variables=("MISTRAL_API_KEY",),
            base_variables=("MISTRAL_BASE_URL",),
            official_host="api.mistral.ai",
            # Mistral's API names the seed `random_seed` and its tool_choice "any".
            renames={"seed": "random_seed"},
            tool_choices={"required": "any"},
            # Usage comes on the last chunk unasked (langchain-mistralai never sends it).
            stream_options=False,
            # Magistral models send their thinking inside `content` lists.
            thinking_parts=True,
        ),
        Profile(
            "fireworks",
            "Fireworks AI",
            "https://api.fireworks.ai/inference/v1",
            key_variables=("FIREWORKS_API_KEY",),
            base_variables=("FIREWORKS_API_BASE",),
            official_host="api.fireworks.ai",
        ),
        Profile(
            "together",
            "Together AI",
            "https://api.together.xyz/v1",
            key_variables=("TOGETHER_API_KEY",),
            base_variables=("TOGETHER_API_BASE",),
            official_host="api.together.xyz",
        ),
        Profile(
            "perplexity",
            "Perplexity",
            "https://api.perplexity.ai",
            key_variables=("PPLX_API_KEY", "PERPLEXITY_API_KEY"),
            base_variables=("PERPLEXITY_BASE_URL",),
            official_host="api.perplexity.ai",
            rejects={"tools": _NO_TOOLS, "tool_choice": _NO_TOOLS},
            structured_output_method="json_schema",
            kept_fields=("citations", "search_results", "images", "related_questions", "videos"),
        ),
        Profile(
            "cerebras",
            "Cerebras",
            "https://api.cerebras.ai/v1",
            key_variables=("CEREBRAS_API_KEY",),
            base_variables=("CEREBRAS_API_BASE",),
            official_host="api.cerebras.ai",
            reasoning_field="reasoning",
        ),
        Profile(
            "openrouter",
            "OpenRouter",
            "https://openrouter.ai/api/v1",
            key_variables=("OPENROUTER_API_KEY",),
            base_variables=("OPENROUTER_API_BASE",),
            official_host="openrouter.ai",
            reasoning_field="reasoning",
        ),
        Profile(
            "huggingface",
            "Hugging Face",
            "https://router.huggingface.co/v1",
            key_variables=("HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN"),
            official_host="router.huggingface.co",
        ),
        _local("vllm", "vLLM", "http://localhost:8000/v1"),
        _local("lmstudio", "LM Studio", "http://localhost:1234/v1"),
        _local("ollama_openai", "Ollama (OpenAI endpoint)", "http://localhost:11434/v1"),
    )
}


class CompatibleAdapter(OpenAIAdapter):
    """The Chat Completions adapter for one profile (`profile`, set by each subclass).

    Settings: `api_key` (else the profile's key variables, as `environment_key`
    allows), `base_url` (else its base variables, else its default), `default_headers`,
    `include_usage`, `secret_headers`, `extra_block_types`, as `OpenAIAdapter`'s.
    """

    profile: Profile

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
    ) -> None:
        profile = self.profile
        api_key = as_secret(api_key)  # rebound first: no local holds the key in clear
        given = base_url is not None
        url = base_url or _first_set(profile.base_variables) or profile.base_url
        if not isinstance(url, str):
            raise TypeError(f"base_url must be a str, got {type(url).__name__}")
        url = _with_sdk_path(url, profile.sdk_path)
        host = (urlsplit(url).hostname or "").lower()
        official = profile.official_host
        if api_key is None and official and not (given and host != official):
            api_key = _environment_key(profile.key_variables)
        if not api_key and official and host == official:
            variables = " or ".join(profile.key_variables)
            raise ValueError(
                f"{profile.title} API key missing: pass api_key=... or set {variables}"
            )
        # An empty Secret: the OpenAI adapter then reads no OPENAI_API_KEY for this server.
        super().__init__(
            api_key=api_key or Secret(""),
            base_url=url,
            default_headers=default_headers,
            include_usage=include_usage and profile.stream_options,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
        )
        self._withheld = ""
        if not api_key and official and profile.key_variables:
            base_note = " or ".join(profile.base_variables) or "the environment"
            self._withheld = withheld_key_note(profile.key_variables[0], base_note, official)

    @property
    def structured_output_method(self) -> str | None:
        """The profile's `with_structured_output` method, if it needs one."""
        return self.profile.structured_output_method

    @property
    def batch_api(self) -> bool:
        """Whether the provider takes OpenAI's Batch API (`batches.submit` asks)."""
        return self.profile.batch_api

    @property
    def price_provider(self) -> str:
        """The name a reply is priced under when its URL's host does not pick a price
        list (`chat.cost`): the preset's, never OpenAI's."""
        return self.profile.name

    @property
    def preset(self) -> str:
        """The provider's name (LangChain's), e.g. "groq"."""
        return self.profile.name

    def __repr__(self) -> str:
        base_url = getattr(self, "base_url", None)
        return (
            f"{type(self).__name__}(base_url={base_url and redact_url(base_url)!r}, "
            f"api_key={getattr(self, '_api_key', None)!r})"
        )

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """The OpenAI adapter's request, with the profile's refusals and renames applied
        (a ValueError naming the provider before any request)."""
        request = super().build_request(messages, settings, stream=stream)
        profile = self.profile
        body = dict(request.json)
        for name, reason in profile.rejects.items():
            if name in body:
                raise ValueError(
                    f"{profile.title} ({profile.name}) does not accept {name!r}: {reason}"
                )
        for ours, theirs in profile.renames.items():
            if ours in body:
                value = body.pop(ours)
                body.setdefault(theirs, value)  # the provider's own name, if given, wins
        choice = body.get("tool_choice")
        if isinstance(choice, str) and choice in profile.tool_choices:
            body["tool_choice"] = profile.tool_choices[choice]
        if body == request.json:
            return request
        return dataclasses.replace(request, json=body)

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The OpenAI adapter's reply, with the profile's kept fields in its metadata
        (and thinking parts read as reasoning, for a profile that declares them)."""
        if self.profile.thinking_parts:
            message = parse_reply(body, headers, thinking_parts=True)
        else:
            message = super().parse_response(body, headers)
        if self.profile.kept_fields:
            try:
                data = json.loads(body)
            except ValueError:  # the parent already accepted it; be safe anyway
                return message
            message.response_metadata.update(_kept(data, self.profile.kept_fields))
        return message

    def stream_parser(self, headers: Mapping[str, str]) -> OpenAIStreamParser:
        """A fresh parser for one stream; reads thinking parts when the profile declares
        them; keeps the profile's fields (from the first event that carries them) when it
        has any."""
        if self.profile.thinking_parts:
            request_id = header_value(headers, "x-request-id")
            parser = OpenAIStreamParser(request_id, thinking_parts=True)
        else:
            parser = super().stream_parser(headers)
        if not self.profile.kept_fields:
            return parser
        return _KeepingStreamParser(parser, self.profile.kept_fields)


class OpenRouterAdapter(CompatibleAdapter):
    """OpenRouter, with its app attribution headers (openrouter.ai/docs/app-attribution):
    `app_url` → `HTTP-Referer`, `app_title` → `X-Title`, `app_categories` →
    `X-OpenRouter-Categories`; unset, from `OPENROUTER_APP_URL` / `OPENROUTER_APP_TITLE`
    (langchain-openrouter's variables). Unlike LangChain, nothing is sent when neither
    is set (LangChain attributes calls to itself by default)."""

    profile = PROFILES["openrouter"]

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        app_url: str | None = None,
        app_title: str | None = None,
        app_categories: Sequence[str] | None = None,
    ) -> None:
        attribution = {
            "HTTP-Referer": app_url or os.environ.get("OPENROUTER_APP_URL"),
            "X-Title": app_title or os.environ.get("OPENROUTER_APP_TITLE"),
            "X-OpenRouter-Categories": ",".join(app_categories) if app_categories else None,
        }
        headers = {k: v for k, v in attribution.items() if v}
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            default_headers={**headers, **(default_headers or {})},
            include_usage=include_usage,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
        )


class _KeepingStreamParser(OpenAIStreamParser):
    """An OpenAI stream parser that also keeps top-level fields (once: Perplexity
    repeats its citations on every chunk; metadata would concatenate the copies)."""

    __slots__ = ("_inner", "_names", "_taken")

    def __init__(self, inner: OpenAIStreamParser, names: tuple[str, ...]) -> None:
        self._inner, self._names, self._taken = inner, names, False

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        chunk = self._inner.feed(event)
        if self._taken or not event.data.startswith("{"):
            return chunk
        try:
            data = json.loads(event.data)
        except ValueError:
            return chunk
        kept = _kept(data, self._names)
        if not kept:
            return chunk
        self._taken = True
        if chunk is None:
            return AIMessageChunk(content="", response_metadata=kept)
        chunk.response_metadata.update(kept)
        return chunk

    def finish(self) -> None:
        self._inner.finish()


def _kept(data: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in names if data.get(name) is not None}


def _first_set(variables: tuple[str, ...]) -> str | None:
    return next((os.environ[v] for v in variables if os.environ.get(v)), None)


def _environment_key(variables: tuple[str, ...]) -> Secret | None:
    value = _first_set(variables)
    return Secret(value) if value else None


def _with_sdk_path(url: str, sdk_path: str) -> str:
    """`url` with the SDK's path appended when it has none (Groq: host-only base URLs)."""
    if not sdk_path:
        return url
    try:
        path = urlsplit(url).path
    except ValueError:
        return url  # the adapter reports the bad URL
    return url.rstrip("/") + sdk_path if path in ("", "/") else url


_CLASSES: dict[str, type[CompatibleAdapter]] = {}


def preset_adapter_class(name: str) -> type[CompatibleAdapter]:
    """The adapter class of profile `name` (one subclass per profile, made once, so
    `adapter_parameters` and `type(adapter).__name__` work as for any adapter)."""
    cls = _CLASSES.get(name)
    if cls is None:
        profile = PROFILES[name]  # KeyError for an unknown name
        if name == "openrouter":
            _CLASSES[name] = OpenRouterAdapter
            return OpenRouterAdapter
        cls = type(_class_name(name), (CompatibleAdapter,), {"profile": profile})
        cls.__module__ = __name__
        cls.__doc__ = f"The Chat Completions adapter for {profile.title} ({profile.base_url})."
        _CLASSES[name] = cls
    return cls


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Adapter"


def __getattr__(attribute: str) -> type[CompatibleAdapter]:
    # "GroqAdapter" and the like, as `adapters.BUILTIN_ADAPTERS` names them.
    for name in PROFILES:
        if _class_name(name) == attribute:
            return preset_adapter_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
