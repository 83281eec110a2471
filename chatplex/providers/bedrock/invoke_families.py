"""Bedrock InvokeModel for the model families langchain-aws's `ChatBedrock` serves with a
prompt of its own: **Meta Llama**, **Mistral**, **Amazon Titan**, **DeepSeek**, and
the Chat Completions messages of **OpenAI's gpt-oss** and **Qwen**. Each family is one
declared `PromptFamily` (its prompt template, request body, reply reader, stream chunk
reader and stop reasons) in `PROMPT_FAMILIES`; nothing about a family is decided
anywhere else. The prompt templates are `invoke_prompts.py`'s, the stream that runs a
family's chunk reader `invoke_prompt_stream.py`'s.

As langchain-aws builds them (`ChatPromptAdapter.convert_messages_to_prompt`,
`LLMInputOutputAdapter.prepare_input`):

- **Meta** (`meta.llama*`): the conversation as Llama's chat template (Llama 4's,
  Llama 3's, or Llama 2's `[INST]` form, by the model id), body `{**model_kwargs,
  "prompt", "max_gen_len", "temperature"}`. Llama's body has no stop sequences: they
  are cut from the reply's text instead (a stream with stop sequences is refused,
  as langchain-aws refuses it).
- **Mistral** (`mistral.*`): the `[INST]` prompt, body `{**model_kwargs, "prompt",
  "max_tokens", "temperature", "stop"}`.
- **Amazon Titan** (`amazon.titan-text*`): the `User:` / `Bot:` prompt, body
  `{"inputText", "textGenerationConfig": {**model_kwargs, "maxTokenCount",
  "temperature", "stopSequences"}}`. (Nova models speak Converse: see
  `invoke_dropin.py`.)
- **DeepSeek** (`deepseek.*`): DeepSeek-R1's `<|User|>` / `<|Assistant|>` prompt, body
  `{**model_kwargs, "prompt", "max_tokens", "temperature", "stop"}`.
- **OpenAI** (`openai.gpt-oss*`) and **Qwen** (`qwen.*`): the conversation as Chat
  Completions messages (`convert_to_openai_messages`), body `{**model_kwargs,
  "messages", "max_completion_tokens"` (OpenAI) or `"max_tokens"` (Qwen),
  `"temperature", "stop"}`; replies and chunks in Chat Completions' `choices`.

Every family here takes text only (no tools: langchain-aws drops them silently, chatplex
refuses them before any request).

Every field is read by the kit's rule (`adapters/reading.py`): an output list, its
text, a stop reason or a token count of the wrong type is a typed malformed-reply
error (langchain-aws raises there), never read as empty or 0.

Replies: the text is the family's output field; `additional_kwargs` is langchain-aws's
`llm_output` (`usage` from Bedrock's token-count headers, the body's `stop_reason`,
`thinking: {}`, `model_id`). Streams: each `chunk` event is one `AIMessageChunk` whose
`response_metadata` is the event's own fields (the text and token counts taken out),
the first such chunk naming `model_name`; the chunk carrying the stop reason is followed
by a closing chunk with the usage of `amazon-bedrock-invocationMetrics`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ...adapters.reading import reply_dict
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...adapters.request_types import CallSettings
from ...messages import AIMessage
from ...messages import BaseMessage
from .invoke_prompts import Prompt
from .invoke_prompts import deepseek_prompt
from .invoke_prompts import inst_prompt
from .invoke_prompts import llama_prompt
from .invoke_prompts import openai_messages
from .invoke_prompts import titan_prompt
from .invoke_response import body_usage_read_from_headers
from .invoke_response import header_usage
from .invoke_response import header_usage_metadata
from .invoke_response import reply_metadata
from .invoke_response import stop_metadata
from .response import error_from
from .response import error_shaped
from .response import reply_data
from .response import snippet

__all__ = [
    "DEEPSEEK",
    "META",
    "MISTRAL",
    "OPENAI",
    "PROMPT_FAMILIES",
    "QWEN",
    "TITAN",
    "PromptFamily",
    "cut_at_stop",
    "parse_prompt_reply",
    "prompt_body",
]

# ---- bodies ------------------------------------------------------------------------


def _sampled(
    settings: CallSettings, *, max_tokens: str, top_p: str = "top_p", stop: str | None = "stop"
) -> dict[str, Any]:
    """The sampling settings that are set, under a family's names, in langchain-aws's
    order: a zero token limit and an empty stop list are left out, as there (Llama has
    no stop key: `stop=None`)."""
    out: dict[str, Any] = {}
    if settings.max_tokens:
        out[max_tokens] = settings.max_tokens
    if settings.temperature is not None:
        out["temperature"] = settings.temperature
    if settings.top_p is not None:
        out[top_p] = settings.top_p
    if stop is not None and settings.stop:
        out[stop] = list(settings.stop)
    return out


def _meta_body(prompt: str, settings: CallSettings) -> dict[str, Any]:
    return {
        **settings.extra_body,
        "prompt": prompt,
        **_sampled(settings, max_tokens="max_gen_len", stop=None),
    }


def _prompt_body(prompt: str, settings: CallSettings) -> dict[str, Any]:
    """Mistral's and DeepSeek's body: the prompt, `max_tokens` and `stop`."""
    return {**settings.extra_body, "prompt": prompt, **_sampled(settings, max_tokens="max_tokens")}


def _chat_body(max_tokens_key: str) -> Callable[[Any, CallSettings], dict[str, Any]]:
    """The Chat Completions body of OpenAI's and Qwen's models (the token limit's key
    differs: GPT-5 and later refuse `max_tokens`)."""

    def body(messages: Any, settings: CallSettings) -> dict[str, Any]:
        return {
            **settings.extra_body,
            "messages": messages,
            **_sampled(settings, max_tokens=max_tokens_key),
        }

    return body


def _titan_body(prompt: str, settings: CallSettings) -> dict[str, Any]:
    limits = _sampled(settings, max_tokens="maxTokenCount", top_p="topP", stop="stopSequences")
    return {"inputText": prompt, "textGenerationConfig": {**settings.extra_body, **limits}}


# ---- readers -----------------------------------------------------------------------


def _first(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The first item of a list field (`outputs`, `results`), or {} when there is none;
    `MalformedReply` when the field is not a list of objects (never read as empty)."""
    items = reply_list(data.get(key), key)
    return reply_dict(items[0], f"{key}[0]") if items else {}


def _first_has(data: Mapping[str, Any], key: str, fields: tuple[str, ...]) -> bool:
    """Whether the first item of list `key` is an object with one of `fields` (DeepSeek's
    `choices` hold `text`, Chat Completions' a `delta`: neither is the other's)."""
    items = data.get(key)
    first = items[0] if isinstance(items, list) and items else None
    return isinstance(first, dict) and any(name in first for name in fields)


def _text_of(value: Any) -> str | None:
    """A text field: a str, None when absent, else `MalformedReply`."""
    return reply_text(value, "text")


@dataclass(frozen=True)
class PromptFamily:
    """One model family's InvokeModel: how its prompt and body are built, and where its
    replies and stream events hold their text and stop reason."""

    name: str
    #: The conversation as the family's prompt (messages, base model id).
    prompt: Prompt
    #: The request body around the prompt.
    body: Callable[[str, CallSettings], dict[str, Any]]
    #: A reply's text, and its stop reason as the model names it.
    reply_text: Callable[[Mapping[str, Any]], str | None]
    reply_stop: Callable[[Mapping[str, Any]], Any]
    #: A stream event's text piece, and its stop reason (None until the last event).
    chunk_text: Callable[[Mapping[str, Any]], str | None]
    chunk_stop: Callable[[Mapping[str, Any]], Any]
    #: Whether a stream event is the family's (has its fields), not another family's.
    chunk_known: Callable[[Mapping[str, Any]], bool]
    #: An event's fields that are not its chunk's `response_metadata` (langchain-aws's).
    hidden: frozenset[str]
    #: The model's stop reasons as chatplex's `finish_reason`.
    finish_reasons: Mapping[str, str] = field(default_factory=dict)
    #: Whether the body takes stop sequences (else they are cut from the reply's text).
    takes_stop: bool = True
    #: The body field holding the model's kwargs (Titan's `textGenerationConfig`); None:
    #: the body itself.
    kwargs_in: str | None = None
    #: Whether its prompt writes a LangChain `ChatMessage`'s role as given, any role
    #: (`messages.CHAT_ROLE_KEY`), as langchain-aws's templates do; False: Chat
    #: Completions messages, where a role the API has no turn for is refused.
    roles_as_given: bool = True


_HIDDEN = frozenset({"prompt_token_count", "generation_token_count", "created"})

META = PromptFamily(
    name="meta",
    prompt=llama_prompt,
    body=_meta_body,
    reply_text=lambda data: _text_of(data.get("generation")),
    reply_stop=lambda data: data.get("stop_reason"),
    chunk_text=lambda data: _text_of(data.get("generation")),
    chunk_stop=lambda data: data.get("stop_reason"),
    chunk_known=lambda data: "generation" in data or "stop_reason" in data,
    hidden=_HIDDEN | {"generation"},
    finish_reasons={"stop": "stop", "length": "length"},
    takes_stop=False,
)


def _first_item_family(
    name: str,
    prompt: Prompt,
    key: str,
    finish_reasons: Mapping[str, str],
    last_finish: str | None = None,
) -> PromptFamily:
    """Mistral and DeepSeek: a prompt body; replies and stream events alike hold their
    text and stop reason in the first item of one list (`outputs`, `choices`).
    `last_finish`: a stream event's `finish_reason` that also ends its stream, read as
    its stop reason where it has none (DeepSeek's "eos_token", as langchain-aws reads it)."""

    def text(data: Mapping[str, Any]) -> str | None:
        return _text_of(_first(data, key).get("text"))

    def stop(data: Mapping[str, Any]) -> Any:
        return _first(data, key).get("stop_reason")

    def chunk_stop(data: Mapping[str, Any]) -> Any:
        first = _first(data, key)
        reason = first.get("stop_reason")
        if reason is None and last_finish is not None and first.get("finish_reason") == last_finish:
            return last_finish
        return reason

    return PromptFamily(
        name=name,
        prompt=prompt,
        body=_prompt_body,
        reply_text=text,
        reply_stop=stop,
        chunk_text=text,
        chunk_stop=chunk_stop,
        chunk_known=lambda data: _first_has(data, key, ("text", "stop_reason")),
        hidden=_HIDDEN | {key},
        finish_reasons=finish_reasons,
    )


MISTRAL = _first_item_family(
    "mistral",
    inst_prompt("Mistral"),
    "outputs",
    {"stop": "stop", "length": "length", "model_length": "length"},
)
TITAN = PromptFamily(
    name="amazon",
    prompt=titan_prompt,
    body=_titan_body,
    reply_text=lambda data: _text_of(_first(data, "results").get("outputText")),
    reply_stop=lambda data: _first(data, "results").get("completionReason"),
    chunk_text=lambda data: _text_of(data.get("outputText")),
    chunk_stop=lambda data: data.get("completionReason"),
    chunk_known=lambda data: "outputText" in data or "completionReason" in data,
    hidden=_HIDDEN | {"outputText"},
    finish_reasons={
        "FINISH": "stop",
        "STOP_CRITERIA_MET": "stop",
        "LENGTH": "length",
        "CONTENT_FILTERED": "content_filter",
    },
    kwargs_in="textGenerationConfig",
)

DEEPSEEK = _first_item_family(
    "deepseek",
    deepseek_prompt,
    "choices",
    {"stop": "stop", "length": "length", "eos_token": "stop"},
    last_finish="eos_token",
)


def _message_of(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A Chat Completions choice's `message` (a reply) or `delta` (a stream event)."""
    return reply_dict(_first(data, "choices").get(key), f"choice's {key}")


def _chat_family(name: str, max_tokens_key: str) -> PromptFamily:
    """OpenAI's gpt-oss and Qwen: Chat Completions messages, replies and chunks. A reply
    without text (the limit hit while reasoning) reads as ""."""
    return PromptFamily(
        name=name,
        prompt=openai_messages,
        body=_chat_body(max_tokens_key),
        reply_text=lambda data: (
            _text_of(_message_of(data, "message").get("content") or "")
            if _first(data, "choices")
            else None
        ),
        reply_stop=lambda data: _first(data, "choices").get("finish_reason"),
        chunk_text=lambda data: _text_of(_message_of(data, "delta").get("content")),
        chunk_stop=lambda data: _first(data, "choices").get("finish_reason"),
        chunk_known=lambda data: _first_has(data, "choices", ("delta", "finish_reason")),
        hidden=_HIDDEN | {"choices"},
        roles_as_given=False,
        finish_reasons={"stop": "stop", "length": "length"},
    )


OPENAI = _chat_family("openai", "max_completion_tokens")
QWEN = _chat_family("qwen", "max_tokens")

#: The families chatplex builds with a prompt, by langchain-aws's provider name.
PROMPT_FAMILIES: Mapping[str, PromptFamily] = {
    f.name: f for f in (META, MISTRAL, TITAN, DEEPSEEK, OPENAI, QWEN)
}


def prompt_body(
    family: PromptFamily,
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    base_model: str,
    *,
    stream: bool,
) -> dict[str, Any]:
    """The InvokeModel body of one call to a prompt family (ValueError before any
    request for what the family cannot take: tools, or stop sequences while streaming a
    family without them)."""
    name = family.name.capitalize()
    if settings.tools:
        raise ValueError(
            f"{name} models over InvokeModel take no tools (langchain-aws drops them "
            "silently): use the Converse API, beta_use_converse_api=True"
        )
    if stream and settings.stop and not family.takes_stop:
        raise ValueError(
            f"{name} models over InvokeModel take no stop sequences, and a stream cannot "
            "be cut after the fact: invoke without streaming, or use the Converse API "
            "(beta_use_converse_api=True)"
        )
    return family.body(family.prompt(messages, base_model), settings)


def cut_at_stop(text: str, stop: Sequence[str] | None) -> str:
    """The text up to the first stop sequence (langchain-aws's `enforce_stop_tokens`,
    with the sequences matched as text, not as regular expressions).

    >>> cut_at_stop("one. two STOP three", ["STOP", "."])
    'one'
    """
    if not stop:
        return text
    return re.split("|".join(re.escape(s) for s in stop), text, maxsplit=1)[0]


def parse_prompt_reply(
    family: PromptFamily,
    body: bytes,
    headers: Mapping[str, str] | None,
    model_id: str | None,
    stop: Sequence[str] | None = None,
) -> AIMessage:
    """The `AIMessage` of a prompt family's InvokeModel reply (ValueError for a body
    that is not one: the engine reports it as malformed)."""
    data = reply_data(body, "InvokeModel")
    text = family.reply_text(data)
    if text is None:
        if error_shaped(data):
            raise error_from(200, body, headers)
        raise ValueError(f"InvokeModel reply of a {family.name} model has no text: {snippet(body)}")
    body_usage_read_from_headers(data.get("usage"))
    usage = header_usage(headers)
    # langchain-aws's llm_output: the body's top-level stop_reason (None for Mistral and
    # Titan, whose reason is inside the output: chatplex's finish_reason reads it there).
    llm_output: dict[str, Any] = {
        "usage": usage,
        "stop_reason": data.get("stop_reason"),
        "thinking": {},
        "model_id": model_id,
    }
    stop_fields = stop_metadata(family.reply_stop(data), family.finish_reasons)
    return AIMessage(
        content=cut_at_stop(text, stop),
        additional_kwargs=llm_output,
        usage_metadata=header_usage_metadata(usage),
        response_metadata=reply_metadata(llm_output, model_id, stop_fields, headers),
    )
