"""The partner packages' facts that several preset rows share (the `presets_*.py` rows):
what chatplex answers for the SDK clients and proxies a partner class takes, the
keywords the groq, fireworks, perplexity, openrouter and sambanova SDKs' `create()`
(or `send()`) take (`Profile.sdk_keywords`), the
groq SDK's usage fields, langchain-groq's body defaults and the Chat Completions
parameters langchain-openai's BaseChatOpenAI names as fields. Kept apart from the rows
so that the rows' modules hold the rows alone.

Pure data: this module imports nothing."""

from __future__ import annotations

from typing import Any

_SDK = "chatplex sends its own requests (no SDK client); pass http_client= instead"

#: chatplex's answers to a partner class's SDK clients (`DropIn.refused`).
CLIENTS = {"client": _SDK, "async_client": _SDK}

#: The keywords a Stainless SDK's `create()` takes besides the body's fields.
_STAINLESS_REQUEST = ("extra_headers", "extra_query", "extra_body", "timeout")
SDK_REQUEST_OPTIONS = frozenset(_STAINLESS_REQUEST)

#: The groq SDK's CompletionUsage fields beyond Chat Completions' three counts, in its
#: order: null where Groq leaves them out, and after the counts in the usage's order.
GROQ_USAGE_EXTRAS = (
    "completion_time",
    "completion_tokens_details",
    "prompt_time",
    "prompt_tokens_details",
    "queue_time",
    "total_time",
)

#: The fireworks SDK's `CompletionsResource.create()` parameters (fireworks-ai 1.2):
#: langchain-fireworks hands it every call keyword and `model_kwargs` entry, so any other
#: is its TypeError (`Profile.sdk_keywords`); Fireworks' own sampling parameters
#: (`top_k`, `min_p`, `repetition_penalty`...) are among them.
FIREWORKS_CREATE = frozenset(
    {
        *_STAINLESS_REQUEST,
        *("messages", "model", "n", "stop", "stream", "temperature", "top_p", "top_k"),
        *("min_p", "typical_p", "repetition_penalty", "mirostat_lr", "mirostat_target"),
        *("frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs"),
        *("max_tokens", "max_completion_tokens", "metadata", "seed", "user", "service_tier"),
        *("tools", "tool_choice", "parallel_tool_calls", "functions", "function_call"),
        *("reasoning_effort", "reasoning_history", "thinking", "response_format"),
        *("context_length_exceeded_behavior", "prompt_truncate_len", "echo", "echo_last"),
        *("ignore_eos", "raw_output", "return_token_ids", "safe_tokenization"),
        *("perf_metrics_in_response", "prediction", "speculation"),
        *("prompt_cache_key", "prompt_cache_isolation_key"),
    }
)
#: The groq SDK's `Completions.create()` parameters (groq 0.37): langchain-groq hands
#: it every call keyword, so any other is its TypeError (`Profile.sdk_keywords`).
GROQ_CREATE = frozenset(
    {
        *_STAINLESS_REQUEST,
        *("messages", "model", "n", "stop", "stream", "temperature", "top_p", "seed", "user"),
        *("frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs"),
        *("max_tokens", "max_completion_tokens", "metadata", "store", "service_tier"),
        *("tools", "tool_choice", "parallel_tool_calls", "functions", "function_call"),
        *("reasoning_effort", "reasoning_format", "include_reasoning", "response_format"),
        *("citation_options", "compound_custom", "disable_tool_validation", "documents"),
        *("exclude_domains", "include_domains", "search_settings"),
    }
)
#: The perplexity SDK's `CompletionsResource.create()` parameters (perplexityai 0.46):
#: langchain-perplexity hands it every call keyword and `model_kwargs` entry; its search
#: and image filters, location and thread parameters are among them.
PERPLEXITY_CREATE = frozenset(
    {
        *_STAINLESS_REQUEST,
        *("messages", "model", "n", "stop", "stream", "stream_mode", "temperature", "top_p"),
        *("top_k", "best_of", "frequency_penalty", "presence_penalty", "logprobs"),
        *("top_logprobs", "cum_logprobs", "max_tokens", "reasoning_effort", "response_format"),
        *("response_metadata", "tools", "tool_choice", "parallel_tool_calls"),
        *("search_mode", "search_domain_filter", "search_language_filter", "search_tenant"),
        *("search_recency_filter", "search_after_date_filter", "search_before_date_filter"),
        *("last_updated_after_filter", "last_updated_before_filter", "updated_after_timestamp"),
        *("updated_before_timestamp", "disable_search", "enable_search_classifier"),
        *("web_search_options", "num_search_results", "ranking_model", "safe_search"),
        *("return_images", "return_related_questions", "image_domain_filter"),
        *("image_format_filter", "num_images", "has_image_url", "language_preference"),
        *("response_formatting_locale", "country", "latitude", "longitude", "thread_id"),
        *("use_threads", "file_workspace_id", "user_original_query", "diverse_first_token"),
        *("search_internal_properties", "_debug_pro_search", "_force_new_agent", "_inputs"),
        *("_prompt_token_length",),
    }
)
#: The openrouter SDK's `Chat.send()` body parameters (openrouter 0.10): langchain-openrouter
#: hands it every call keyword and `model_kwargs` entry; OpenRouter's own (`models`,
#: `provider`, `top_k`, `top_a`, `min_p`, `cache_control`, `debug`...) are among them. Its
#: request options (`retries`, `server_url`, `timeout_ms`, `http_headers`, ...) are not.
OPENROUTER_SEND = frozenset(
    {
        *("messages", "model", "models", "provider", "stop", "stream", "stream_options"),
        *("temperature", "top_p", "top_k", "top_a", "min_p", "repetition_penalty", "seed"),
        *("frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs"),
        *("max_tokens", "max_completion_tokens", "metadata", "user", "service_tier"),
        *("tools", "tool_choice", "parallel_tool_calls", "stop_server_tools_when"),
        *("reasoning", "reasoning_effort", "response_format", "modalities", "image_config"),
        *("plugins", "session_id", "trace", "cache_control", "debug"),
    }
)
#: The sambanova SDK's `CompletionsResource.create()` parameters (sambanova 1.13), as
#: langchain-sambanova hands it every call keyword.
SAMBANOVA_CREATE = frozenset(
    {
        *_STAINLESS_REQUEST,
        *("messages", "model", "n", "stop", "stream", "stream_options", "temperature"),
        *("top_p", "top_k", "seed", "do_sample", "repetition_penalty", "chat_template_kwargs"),
        *("frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs"),
        *("max_tokens", "max_completion_tokens", "reasoning_effort", "response_format"),
        *("tools", "tool_choice", "parallel_tool_calls"),
    }
)

#: The Chat Completions parameters langchain-openai's BaseChatOpenAI names as fields
#: (ChatDeepSeek, ChatXAI, ChatTogether, ChatCerebras and ChatNebius extend it).
BASE_CHAT_OPENAI = (
    "frequency_penalty",
    "presence_penalty",
    "seed",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "reasoning_effort",
    "verbosity",
    "service_tier",
    "store",
    "prompt_cache_options",
)

#: langchain-openai's fields a BaseChatOpenAI subclass takes and never reads: its own
#: validator builds its clients from its own key and base URL alone (`DropIn.unused`).
BASE_CHAT_OPENAI_UNUSED = frozenset(
    {
        *("openai_api_key", "openai_api_base", "organization", "openai_organization"),
        *("openai_proxy", "http_socket_options"),
    }
)

#: What every BaseChatOpenAI subclass's class does, as `DropIn` keywords: those API
#: fields, tiktoken counts, response headers kept when asked, a given `n=1` sent, its
#: own fields given inside
#: `model_kwargs` taken as those fields (its validator: langchain-core's
#: `build_model_kwargs`, its warning at the script's line), langchain-openai's fields it
#: holds unread, `disabled_params` read by its structured output, and the account its
#: openai client reads from the environment.
BASE_CHAT_OPENAI_CLASS: dict[str, Any] = {
    "api_fields": BASE_CHAT_OPENAI,
    "unused": BASE_CHAT_OPENAI_UNUSED,
    "reads_disabled_params": True,
    "counts_with_tiktoken": True,
    "keeps_response_headers": True,
    "sends_n_of_one": True,
    # (langchain-core's build_model_kwargs: its fixed stacklevel lands two frames up)
    "lifts_model_kwargs": 2,
    "sends_openai_account": True,
}


#: langchain-groq's defaults sent in every body (and written by its serializer).
GROQ_BODY = {"n": 1, "service_tier": "on_demand"}
#: ... and its unset fields it sends as null in every body (its `_default_params`).
GROQ_NULLS = ("stop", "reasoning_format", "reasoning_effort")

#: The SDK clients of a langchain-openai subclass whose validator builds each on an
#: `openai` client of its own (`PartnerFields.clients`, as data): the chat completions
#: resources, and the root clients where it keeps them.
OWN_CHAT_CLIENTS = {
    "client": ("openai:OpenAI", "chat.completions"),
    "async_client": ("openai:AsyncOpenAI", "chat.completions"),
}
OWN_ROOT_CLIENTS = {
    "root_client": ("openai:OpenAI",),
    "root_async_client": ("openai:AsyncOpenAI",),
}
