"""AWS Bedrock InvokeModel (`POST /model/{modelId}/invoke` and
`/invoke-with-response-stream`), the API langchain-aws's `ChatBedrock` speaks: Anthropic
models here; Meta Llama, Mistral, Amazon Titan, DeepSeek, OpenAI gpt-oss and Qwen with
their own bodies (`invoke_families.py`).

The body is Anthropic's Messages request, built by the Anthropic wire's own translation
(`providers/anthropic/request.py`: the one declared crossing from this folder, see
ARCHITECTURE.md), with what Bedrock changes: no `model` (it is in the path), no
`stream` (the path says it), `anthropic_version: "bedrock-2023-05-31"`, and
`max_tokens` 1024 when none is set (langchain-aws's default). Everything AWS is the
Converse adapter's, inherited: region, endpoint, SigV4 or a Bedrock API key, botocore's
error classes, the event-stream framing. Replies and streams are read by
`invoke_response.py`.

Other families (Cohere, AI21, Writer..., and Nova, whose
`messages-v1` body is not built) have their own InvokeModel bodies, and a call naming one
raises `NotImplementedError` before any request (Converse serves them:
`ChatBedrockConverse`, or `ChatBedrock(beta_use_converse_api=True)`).

>>> from chatplex.messages import HumanMessage
>>> adapter = BedrockInvokeAdapter(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
...                                aws_secret_access_key="not-a-real-secret")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="anthropic.claude-3-5-haiku-20241022-v1:0"),
...     stream=False)
>>> request.url
'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke'
>>> request.json["anthropic_version"], request.json["max_tokens"]
('bedrock-2023-05-31', 1024)
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from collections.abc import Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from ...adapters.base import Adapter
from ...adapters.headers import header_value
from ...adapters.output_formats import anthropic_json_schema
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.validate import check_headers
from ...adapters.validate import check_messages
from ...errors import APIError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import is_secret_name
from ...secret import merged_headers
from ...secret.arguments import hold_keys
from ..anthropic.adapter import BLOCK_TYPES as MESSAGES_BLOCK_TYPES
from ..anthropic.body_fields import sampling_fields
from ..anthropic.body_fields import tool_fields
from ..anthropic.later_systems import Later
from ..anthropic.request import plain_text
from ..anthropic.request import to_wire_messages
from .adapter import BedrockAdapter
from .cache_marks import mark_last_block
from .conversation import EMPTY_TEXT
from .conversation import answered_invalid_calls
from .errors import INVOKE_ERRORS
from .eventstream import EventStreamDecoder
from .invoke_families import PROMPT_FAMILIES
from .invoke_families import PromptFamily
from .invoke_families import cut_at_stop
from .invoke_families import parse_prompt_reply
from .invoke_families import prompt_body
from .invoke_history import with_placeholder
from .invoke_history import with_thinking
from .invoke_prompt_stream import PromptStreamDecoder
from .invoke_prompt_stream import PromptStreamParser
from .invoke_response import INVOKE_PROVIDER
from .invoke_response import InvokeStreamParser
from .invoke_response import parse_invoke_reply
from .response import REQUEST_ID_HEADER

if TYPE_CHECKING:  # annotations only
    from typing import Self

__all__ = [
    "ANTHROPIC_VERSION",
    "DEFAULT_MAX_TOKENS",
    "SUPPORTED_FAMILIES",
    "BedrockInvokeAdapter",
    "check_buildable",
    "model_family",
    "unsupported_family",
]

#: The `anthropic_version` Bedrock takes in an Anthropic body.
ANTHROPIC_VERSION = "bedrock-2023-05-31"
#: langchain-aws's `max_tokens` when neither the model nor its kwargs set one.
DEFAULT_MAX_TOKENS = 1024
#: Regional prefixes of cross-region inference profiles, as langchain-aws reads them.
_GEO_PREFIXES = frozenset({"eu", "us", "us-gov", "apac", "sa", "amer", "global", "jp", "au"})
_JSON = "application/json"
#: Families whose InvokeModel body chatplex builds: Anthropic's Messages body, and the
#: families with a prompt (`invoke_families.py`).
SUPPORTED_FAMILIES = ("anthropic", *PROMPT_FAMILIES)


def model_family(model_id: str) -> str:
    """The provider of a Bedrock model id, as langchain-aws reads it (a regional
    profile's second part).

    >>> model_family("us.anthropic.claude-3-5-haiku-20241022-v1:0")
    'anthropic'
    >>> model_family("meta.llama3-1-70b-instruct-v1:0")
    'meta'
    """
    parts = model_id.split(".", maxsplit=2)
    if len(parts) > 1 and parts[0].lower() in _GEO_PREFIXES:
        return parts[1]
    return parts[0]


def unsupported_family(family: str, owner: str = "ChatBedrock") -> NotImplementedError:
    """The error for a model family whose InvokeModel body chatplex does not build."""
    built = ", ".join(SUPPORTED_FAMILIES)
    return NotImplementedError(
        f"{owner} speaks Bedrock's InvokeModel API for {built} models; "
        f"{family!r} models have their own InvokeModel body, which chatplex does not "
        f"build. Use the Converse API instead: {owner}(..., beta_use_converse_api=True) "
        "or ChatBedrockConverse (init_chat_model('bedrock_converse:...'))"
    )


def check_buildable(family: str, base_model: str, owner: str = "ChatBedrock") -> None:
    """Raise `NotImplementedError` for a model whose InvokeModel body chatplex does not
    build: a family not built, or a Nova model (its own `messages-v1` body: langchain-aws
    would send Titan's, which Nova refuses; Nova speaks Converse by default)."""
    if family not in SUPPORTED_FAMILIES:
        raise unsupported_family(family, owner)
    if family == "amazon" and "nova" in base_model:
        raise unsupported_family("amazon.nova", owner)


def _thinking_on(body: Mapping[str, Any]) -> bool:
    thinking = body.get("thinking")
    return isinstance(thinking, Mapping) and thinking.get("type") in ("enabled", "adaptive")


def _citations_enabled(turns: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a document block asks for citations (langchain-aws then keeps blocks)."""
    for turn in turns:
        content = turn.get("content")
        if isinstance(content, list):
            for block in content:
                if isinstance(block, Mapping) and block.get("type") == "document":
                    cited = block.get("citations")
                    if isinstance(cited, Mapping) and cited.get("enabled"):
                        return True
    return False


class BedrockInvokeAdapter(BedrockAdapter):
    """Bedrock's InvokeModel API with Anthropic's Messages body; the constructor is
    `BedrockAdapter`'s (region, endpoint, credentials, headers, config)."""

    provider = INVOKE_PROVIDER
    #: botocore's classes (langchain-aws's ChatBedrock reads no context overflow), and
    #: the decoder's error for a body that is not JSON.
    error_families = INVOKE_ERRORS
    #: Anthropic enforces an `output_config.format` schema by design: `strict=` is moot
    #: (refused by chatplex's own models, dropped through LangChain, as on Anthropic's wire).
    structured = dataclasses.replace(BedrockAdapter.structured, schema_enforced=True)
    #: A bound empty tool list goes as `tools: []` in an Anthropic model's body, as
    #: langchain-aws's ChatBedrock sends its kwargs' `tools` (not the prompt families').
    empty_tool_list_sent = True
    #: The model family the body is built for; None reads it from the model id.
    family: str | None = None
    #: Whether an Anthropic model's system message after the first turn is hoisted into
    #: the top-level `system`, silently, as langchain-aws's ChatBedrock sends it (its
    #: drop-in's); False: refused, as the Anthropic wire refuses it.
    later_systems: bool = False
    #: The model's own `cache_control` (`ChatBedrock(model_kwargs={"cache_control": ...})`),
    #: sent as a top-level body field, as langchain-aws sends its model_kwargs: only a
    #: call's marks the last content block.
    model_cache_control: Mapping[str, Any] | None = None
    #: The model id asked, per call (`for_model`): replies name it, as langchain-aws's.
    model_id: str | None = None
    #: Per call, set by `build_request` on the call's view: whether the stream's text
    #: comes as indexed blocks (tools, thinking or citations in the request).
    _stream_blocks = False
    _citations = False
    #: Per call: the prompt family of a non-Anthropic model, and the stop sequences a
    #: reply's text is cut at (as langchain-aws cuts it, whatever the family).
    _prompt_family: PromptFamily | None = None
    _cut_stop: tuple[str, ...] | None = None
    #: Per model family, where `ChatBedrock(provider_stop_sequence_key_name_map=...)`
    #: changes langchain-aws's entry, the key a stream's stop sequences go under, among
    #: the model's kwargs, as langchain-aws sends them ("": none sent; None: no entry, a
    #: stream with stop sequences refused). A family not named: its own key.
    stream_stop_keys: Mapping[str, str | None] = MappingProxyType({})
    #: Per call (`partner.py`'s `for_call`, where the guardrail's trace is on): the trace
    #: of the last reply a guardrail intervened in, which langchain-aws hands the
    #: callbacks (`PartnerTraits.reply_signal`); empty: none did.
    guardrail_signals: list[Any] | None = None
    #: The body key a call's own `max_tokens` goes under apart from the model's setting,
    #: as langchain-aws sends it (`PartnerTraits.call_max_tokens_field`): a gpt-oss
    #: model's `max_tokens` (it reads either key) beside the model's
    #: `max_completion_tokens`. None: the family's key, the call's replacing the model's
    #: (langchain-aws's raw `max_tokens` is one Llama and Titan refuse, and where the
    #: family's key is `max_tokens` it sends the model's over the call's).
    call_max_tokens_key: str | None = None
    #: Whether `bind_tools` refuses a forced tool choice (langchain-aws's: thinking on in
    #: the model's kwargs, for a Claude model that refuses a forced tool beside it).
    forced_tool_refused = False
    #: langchain-aws's `system_prompt_with_tools`: put before an Anthropic model's system
    #: prompt (its text first, or its own first block).
    system_prompt_with_tools = ""

    def __init__(self, **settings: Any) -> None:
        hold_keys(settings, is_secret_name)  # first: no local holds a key in clear
        super().__init__(**settings)
        self.block_types = MESSAGES_BLOCK_TYPES

    @classmethod
    def from_converse(cls, adapter: BedrockAdapter) -> BedrockInvokeAdapter:
        """This API over a Converse adapter's region, endpoint, credentials and headers
        (what `ChatBedrock` builds through `ChatBedrockConverse`'s constructor)."""
        invoke = cls.__new__(cls)
        invoke.__dict__.update(adapter.__dict__)
        invoke._headers = merged_headers(adapter._headers)
        invoke.block_types = MESSAGES_BLOCK_TYPES
        return invoke

    #: Per call (`partner.py`'s `for_call`): an Anthropic `tool_choice` object the call
    #: gives with its `disable_parallel_tool_use`, which langchain-aws sends unchanged.
    given_tool_choice: Mapping[str, Any] | None = None

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """None: Converse's cache point is no tool of an Anthropic body (a function)."""
        return None

    def parallel_tool_calls_body(self, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
        """InvokeModel's body is the model's own: `parallel_tool_calls` goes in it as
        given, as langchain-aws's ChatBedrock sends it (Converse's refusal is
        Converse's); a flag read from the call's own `tool_choice` object stays in it
        (`given_tool_choice`), nothing beside."""
        if self.given_tool_choice is not None:
            return {}
        return Adapter.parallel_tool_calls_body(self, parallel, tool_choice)

    def add_headers(self, headers: Mapping[str, str]) -> None:
        """Headers sent (and signed) with every request: Bedrock's request options
        (guardrail, trace, service tier), which InvokeModel takes as headers."""
        check_headers(headers, "headers")
        self._headers.update({k.lower(): v for k, v in headers.items()})

    def url(self, model: str, *, stream: bool) -> str:
        action = "invoke-with-response-stream" if stream else "invoke"
        return f"{self.endpoint_url}/model/{quote(model, safe='')}/{action}"

    def for_model(self, model: str) -> Self:
        """This adapter for one call to `model` (a shallow copy: credentials, signer and
        endpoint shared); `build_request` records the call's shape on it."""
        view = super().for_model(model)
        view.model_id = model
        return view

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate, translate and sign one call; raises before any I/O (an unsupported
        model family: `NotImplementedError`)."""
        if not messages:
            raise ValueError("cannot call a chat model with an empty list of messages")
        if not settings.model or not isinstance(settings.model, str):
            raise ValueError("a Bedrock call needs a model id")
        family = self.family or model_family(settings.model)
        base = self.base_model_id or settings.model.split(".", 1)[-1]
        check_buildable(family, base)
        self._refuse_key_in_clear()
        # An empty assistant turn of Anthropic's body (an empty list too) goes as ".".
        prompt_family = PROMPT_FAMILIES.get(family)
        anthropic = prompt_family is None
        check_messages(  # (a user turn of no blocks goes as "." there: `with_placeholder`)
            messages,
            provider=self.provider,
            block_types=self.block_types,
            empty_reply=anthropic,
            empty_list=anthropic,
            empty_text=not anthropic,  # (a prompt's or messages' empty text: sent as such)
            chat_roles=prompt_family is not None and prompt_family.roles_as_given,
        )
        # The call's shape, recorded on this call's view (`for_model`): how its reply reads.
        self._prompt_family = prompt_family
        self._cut_stop = settings.stop
        moved: tuple[str, list[str]] | None = None  # a stream's stop, under the map's key
        if stream and settings.stop and family in self.stream_stop_keys:
            moved = (self._stream_stop_key(family), list(settings.stop))
            settings = dataclasses.replace(settings, stop=None)
        # A prompt family's stream: each event-stream message then a marker, room for
        # the closing chunk after the last event.
        prompt_stream = self._prompt_family is not None and stream
        self.stream_framing = PromptStreamDecoder if prompt_stream else EventStreamDecoder
        if self._prompt_family is not None:
            body = prompt_body(self._prompt_family, messages, settings, base, stream=stream)
        else:
            body = self.anthropic_body(messages, settings, later_systems=self.later_systems)
            if self.given_tool_choice is not None and "tool_choice" in body:
                body["tool_choice"] = dict(self.given_tool_choice)
            self._citations = _citations_enabled(body["messages"])
            self._stream_blocks = "claude-" in base and (
                "tools" in body or _thinking_on(body) or self._citations
            )
            if self.system_prompt_with_tools:
                body["system"] = _after_prompt(self.system_prompt_with_tools, body.get("system"))
        if moved is not None and moved[0]:
            kwargs_in = self._prompt_family and self._prompt_family.kwargs_in
            (body[kwargs_in] if kwargs_in else body)[moved[0]] = moved[1]
        if self.model_cache_control is not None:  # (a call's sent at the top wins)
            body = {"cache_control": dict(self.model_cache_control), **body}
        headers = merged_headers(self._headers, {"content-type": _JSON})
        if stream:  # InvokeModelWithResponseStream: the chunks' type in botocore's header
            headers.update(
                {"accept": "application/vnd.amazon.eventstream", "x-amzn-bedrock-accept": _JSON}
            )
        else:
            headers["accept"] = _JSON
        return self._signed_post(self.url(settings.model, stream=stream), body, headers)

    def _stream_stop_key(self, family: str) -> str:
        """The key the script's map gives a stream's stop sequences (ValueError, in
        langchain-aws's words, where it has no entry for the family)."""
        key = self.stream_stop_keys[family]
        if key is None:
            raise ValueError(f"Stop sequence key name for {family} is not supported.")
        return key

    @classmethod
    def anthropic_body(
        cls, messages: list[BaseMessage], settings: CallSettings, *, later_systems: bool = False
    ) -> dict[str, Any]:
        """The InvokeModel body of an Anthropic model, keys as langchain-aws orders them:
        the model's kwargs, tools, `anthropic_version`, messages, system, `max_tokens`,
        `temperature` (then `top_p` and `stop_sequences` when set). `later_systems`: a
        system message after the first turn hoisted into `system` (`later_systems`)."""
        # langchain-aws's ChatBedrock (InvokeModel) sends no `is_error` on a tool_result
        # block (the error is in its content), where the Anthropic API's wire writes it.
        # An empty AI message goes as ".", as langchain-aws sends it.
        _refuse_media_by_url(messages)
        system, turns = to_wire_messages(
            answered_invalid_calls([with_thinking(with_placeholder(m)) for m in messages]),
            error_flags=False,
            later=Later("hoisted", settings.model, warned=False) if later_systems else None,
            empty_reply=EMPTY_TEXT,
            invalid_calls=True,
            result_marks_up=False,
        )
        _refuse_file_sources(turns)
        _plain_text_documents(turns)
        for turn in turns:  # langchain-aws sends an assistant's text as a text block
            if turn["role"] == "assistant" and isinstance(turn["content"], str):
                # An empty one, the last (a prefill) too, as "." (Bedrock refuses an
                # empty content list), as langchain-aws sends it.
                text = turn["content"] or EMPTY_TEXT
                turn["content"] = [{"type": "text", "text": text}]
        _in_partner_order(turns)
        body: dict[str, Any] = dict(settings.extra_body)
        # A call's cache setting marks the last content block, as langchain-aws puts it.
        mark_last_block(turns, body.pop("cache_control", None))
        # (a call's `auto` or `none` with no tools is sent, as on Anthropic's own API)
        beside = cls.keeps_choice_without_tools
        fields = tool_fields(settings, cls.empty_tool_list_sent, beside)
        for tool in fields.get("tools", ()):
            if "input_schema" in tool and not tool.get("description"):
                # A tool with no description (with_structured_output of a class without a
                # docstring) described by its name, as langchain-aws converts it.
                tool["description"] = tool["name"]
        body.update(fields)
        body["anthropic_version"] = ANTHROPIC_VERSION
        body["messages"] = turns
        if system is not None:
            body["system"] = system
        if settings.max_tokens is not None:
            body["max_tokens"] = settings.max_tokens
        body.setdefault("max_tokens", DEFAULT_MAX_TOKENS)
        body.update(sampling_fields(settings))
        return body

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any]:
        """What `with_structured_output(method="json_schema")` binds on this wire:
        Anthropic's own `output_config.format` (the Messages body's field, as the
        Anthropic wire sends it; langchain-aws's ChatBedrock has only the forced tool).
        Anthropic has no JSON mode: "json_mode" with a schema binds the same format (as
        the Anthropic wire maps it; langchain-aws's ChatBedrock ignores `method` and
        still returns the schema's object), without one it is refused."""
        if self.family in PROMPT_FAMILIES:
            raise ValueError(
                f"structured output is not available on {self.family!r} models over "
                "InvokeModel (their bodies take no tools nor schema, and langchain-aws "
                "refuses it too): use the Converse API, beta_use_converse_api=True"
            )
        if method not in ("json_schema", "json_mode"):
            raise ValueError(
                f"method={method!r} is not available on Anthropic models over InvokeModel: "
                'use "function_calling" (the default) or "json_schema"'
            )
        if given is None:
            raise ValueError(
                "Anthropic models over InvokeModel have no JSON mode: give a schema "
                '(method="json_schema"), or use method="function_calling"'
            )
        if strict is not None:
            raise ValueError("strict= is not supported with method='json_schema' on Anthropic")
        schema = anthropic_json_schema(spec, given)
        return {"output_config": {"format": {"type": "json_schema", "schema": schema}}}

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        if self.guardrail_signals is not None:
            self.guardrail_signals[:] = _guardrail_trace(body)
        if self._prompt_family is not None:
            return parse_prompt_reply(
                self._prompt_family, body, headers, self.model_id, self._cut_stop
            )
        message = parse_invoke_reply(body, headers, self.model_id, citations=self._citations)
        if self._cut_stop and isinstance(message.content, str):
            # langchain-aws cuts every InvokeModel reply's text at the stop words, an
            # Anthropic model's too (a server that stopped there leaves nothing to cut).
            message.content = cut_at_stop(message.content, self._cut_stop)
        return message

    def stream_parser(  # type: ignore[override]
        self, headers: Mapping[str, str]
    ) -> InvokeStreamParser | PromptStreamParser:
        request_id = header_value(headers, REQUEST_ID_HEADER)
        if self._prompt_family is not None:
            return PromptStreamParser(self._prompt_family, request_id, self.model_id)
        return InvokeStreamParser(request_id, self.model_id, blocks=self._stream_blocks)

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        err = super().map_error(status, body, headers)
        err.provider = INVOKE_PROVIDER
        return err


#: The blocks langchain-aws's ChatBedrock keeps together as a turn's own (text, images);
#: the others (tool calls and results, documents...) are a second group, and thinking
#: goes before both.
_OWN_BLOCKS = frozenset({"text", "image"})
_THINKING = frozenset({"thinking", "redacted_thinking"})


#: The reply body's fields saying a guardrail intervened, and its trace.
_GUARDRAIL_ACTION = "amazon-bedrock-guardrailAction"
_BEDROCK_TRACE = "amazon-bedrock-trace"


def _guardrail_trace(body: bytes) -> list[Any]:
    """[the reply's trace] where its body says a guardrail intervened; else []."""
    try:
        data = json.loads(body)
    except ValueError:
        return []  # (the reply's own reading says why)
    if not isinstance(data, dict) or data.get(_GUARDRAIL_ACTION) != "INTERVENED":
        return []
    return [data.get(_BEDROCK_TRACE)]


def _in_partner_order(turns: list[dict[str, Any]]) -> None:
    """Each turn's blocks in the order langchain-aws's ChatBedrock sends them: thinking
    first, then an assistant's text and images before its other blocks, a user's after
    them (tool results before the text that follows them, as Anthropic wants); each group
    in its own order."""
    for turn in turns:
        content = turn["content"]
        if not isinstance(content, list):
            continue
        kinds = [b.get("type") if isinstance(b, dict) else "text" for b in content]
        thinking = [b for b, k in zip(content, kinds, strict=True) if k in _THINKING]
        own = [b for b, k in zip(content, kinds, strict=True) if k in _OWN_BLOCKS]
        rest = [b for b, k in zip(content, kinds, strict=True) if k not in _THINKING | _OWN_BLOCKS]
        first, then = (rest, own) if turn["role"] == "user" else (own, rest)
        turn["content"] = [*thinking, *first, *then]


def _after_prompt(prompt: str, system: Any) -> str | list[Any]:
    """An Anthropic body's system prompt with `prompt` before it, as langchain-aws puts
    its `system_prompt_with_tools`: alone, before the text on a line of its own, or as a
    first text block (the others, their cache marks, kept)."""
    if not system:
        return prompt
    if isinstance(system, str):
        return f"{prompt}\n{system}"
    return [{"type": "text", "text": prompt}, *system]


#: langchain-aws's words for an image or file it refuses before sending, one given by a
#: provider-managed file id or by a web address: Bedrock's InvokeModel has no Files API
#: and fetches no URL.
_MEDIA_REFUSED = {
    "image": "Image data only supported through in-line base64 format.",
    "file": "Blocks of type file not supported.",
    "image_url": (
        "Anthropic only supports base64-encoded images currently. "
        "Example: data:image/png;base64,'/9j/4AAQSk'..."
    ),
}


def _refuse_file_sources(turns: list[dict[str, Any]]) -> None:
    """ValueError, in langchain-aws's words, for an image or document by `file_id` (an
    Anthropic `file` source): Bedrock's InvokeModel has no file to read."""
    for turn in turns:
        content = turn.get("content")
        for block in content if isinstance(content, list) else ():
            source = block.get("source") if isinstance(block, dict) else None
            if isinstance(source, dict) and source.get("type") == "file":
                kind = "image" if block.get("type") == "image" else "file"
                raise ValueError(_MEDIA_REFUSED[kind])


def _plain_text_documents(turns: list[dict[str, Any]]) -> None:
    """A plain-text file given as base64 (a standard `file` or `text-plain` block) as
    Anthropic's plain-text document, its text decoded: the Messages API takes base64
    documents as PDFs only. ValueError, in langchain-aws's words, for one that is no
    UTF-8 text."""
    for turn in turns:
        content = turn.get("content")
        for block in content if isinstance(content, list) else ():
            source = block.get("source") if isinstance(block, dict) else None
            if not isinstance(source, dict) or source.get("type") != "base64":
                continue
            if block.get("type") != "document" or source.get("media_type") != "text/plain":
                continue
            text = plain_text(source["data"])
            if text is None:
                raise ValueError(_MEDIA_REFUSED["file"])
            block["source"] = {"type": "text", "media_type": "text/plain", "data": text}


def _refuse_media_by_url(messages: Sequence[BaseMessage]) -> None:
    """ValueError, in langchain-aws's words, for a standard image or file block by URL
    (v1's `url`, v0's `source_type: "url"`) or an `image_url` that is no data URL.
    Anthropic's own blocks (a `source` of type `url`) go as written, as there."""
    for message in messages:
        content = message.content
        for block in content if isinstance(content, list) else ():
            kind = block.get("type") if isinstance(block, dict) else None
            if kind in ("image", "file") and "url" in block and "source" not in block:
                raise ValueError(_MEDIA_REFUSED[kind])
            if kind == "image_url":
                url = block.get("image_url")
                url = url.get("url") if isinstance(url, dict) else url
                if isinstance(url, str) and not url.startswith("data:"):
                    raise ValueError(_MEDIA_REFUSED[kind])
