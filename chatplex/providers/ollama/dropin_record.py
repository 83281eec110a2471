"""langchain-ollama's `ChatOllama` as data (`PartnerClass`): the facts its LangChain class
reports, how it writes its fields, and its own pydantic fields, read only by
`chatplex.langchain` through the engine (`dropin.ChatOllama.partner_record`).

>>> CHAT_OLLAMA.llm_type, CHAT_OLLAMA.distribution
('chat-ollama', 'langchain-ollama')
"""

from __future__ import annotations

from typing import Any
from typing import Literal

from ...chat.partner_form import PartnerFields
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...specs import field_names

__all__ = ["CHAT_OLLAMA"]

CHAT_OLLAMA = PartnerClass(
    llm_type="chat-ollama",
    namespace=("langchain_ollama", "chat_models"),  # its module: not serialized
    partner_class="langchain_ollama.chat_models:ChatOllama",
    versions=(),  # langchain-ollama 1.1 names none (later ones name theirs)
    # Not serialized by LangChain: its fields, for reading them on the drop-in only.
    # langchain-ollama has no `max_tokens`: the drop-in takes it as `num_predict`. It
    # reports no identifying params (LangChain's default).
    fields=PartnerFields(
        serialized=False,
        identifying=False,
        aliases={"max_tokens": "num_predict"},
        dumped=field_names(
            "name disable_streaming output_version model reasoning validate_model_on_init "
            "mirostat mirostat_eta mirostat_tau num_ctx num_gpu num_thread num_predict "
            "repeat_last_n repeat_penalty temperature seed logprobs top_logprobs stop "
            "tfs_z top_k top_p format keep_alive base_url client_kwargs "
            "async_client_kwargs sync_client_kwargs"
        ),
        # Its repr's fields (langchain-ollama's, in its order: `print(llm)` and `dumpd`).
        shown=field_names(
            "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
            "disable_streaming output_version profile model reasoning validate_model_on_init "
            "mirostat mirostat_eta mirostat_tau num_ctx num_gpu num_thread num_predict "
            "repeat_last_n repeat_penalty temperature seed logprobs top_logprobs stop "
            "tfs_z top_k top_p format keep_alive base_url client_kwargs "
            "async_client_kwargs sync_client_kwargs"
        ),
    ),
    # Its own pydantic fields, in its order. It reads no variable: the ollama SDK client
    # reads OLLAMA_HOST where `base_url` is None, leaving the field None.
    declared=(
        PartnerField("model", str, REQUIRED),
        PartnerField("reasoning", bool | str | None),
        PartnerField("validate_model_on_init", bool, False),
        PartnerField("mirostat", int | None),
        PartnerField("mirostat_eta", float | None),
        PartnerField("mirostat_tau", float | None),
        PartnerField("num_ctx", int | None),
        PartnerField("num_gpu", int | None),
        PartnerField("num_thread", int | None),
        PartnerField("num_predict", int | None),
        PartnerField("repeat_last_n", int | None),
        PartnerField("repeat_penalty", float | None),
        PartnerField("temperature", float | None),
        PartnerField("seed", int | None),
        PartnerField("logprobs", bool | None),
        PartnerField("top_logprobs", int | None),
        PartnerField("stop", list[str] | None),
        PartnerField("tfs_z", float | None),
        PartnerField("top_k", int | None),
        PartnerField("top_p", float | None),
        PartnerField("format", Literal["", "json"] | dict[str, Any] | None),
        PartnerField("keep_alive", int | str | None),
        PartnerField("base_url", str | None),
        PartnerField("client_kwargs", dict | None, {}),
        PartnerField("async_client_kwargs", dict | None, {}),
        PartnerField("sync_client_kwargs", dict | None, {}),
    ),
)
