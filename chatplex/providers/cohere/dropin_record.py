"""langchain-cohere's `ChatCohere` as data (`PartnerClass`): the facts its LangChain class
reports, how it writes its fields, and its own pydantic fields, read only by
`chatplex.langchain` through the engine (`dropin.ChatCohere.partner_record`).

>>> CHAT_COHERE.llm_type, CHAT_COHERE.distribution
('cohere-chat', 'langchain-cohere')
"""

from __future__ import annotations

from typing import Any
from typing import List  # noqa: UP035 (the partner's annotation)

from pydantic import SecretStr

from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...specs import field_names

__all__ = ["CHAT_COHERE"]

CHAT_COHERE = PartnerClass(
    llm_type="cohere-chat",
    namespace=("langchain_cohere", "chat_models"),  # its module: not serialized
    partner_class="langchain_cohere.chat_models:ChatCohere",
    versions=(),  # langchain-cohere names none
    # Not serialized by LangChain: its fields, for reading them on the drop-in only. Its
    # key field stays None unless given (its client reads CO_API_KEY).
    fields=PartnerFields(
        serialized=False,
        aliases={"api_key": "cohere_api_key"},
        secrets={"cohere_api_key": "COHERE_API_KEY"},
        # Its `_default_params`: these fields where set.
        identifying=IdentifyingParams(
            unless_none={k: k for k in ("model", "temperature", "preamble")}
        ),
        default_params=frozenset(),  # its identifying params are these
        # Its dump's keys in its order, its SDK clients among them (not excluded): the
        # drop-in's, built on first read, dumped as set (its validator sets them).
        dumped=field_names(
            "name client async_client model temperature cohere_api_key stop streaming "
            "user_agent timeout_seconds base_url disable_streaming output_version "
            "preamble"
        ),
        # Its repr: its own fields first, LangChain's after them.
        shown=field_names(
            "name client async_client model temperature cohere_api_key stop streaming "
            "user_agent timeout_seconds base_url cache callbacks tags metadata "
            "custom_get_token_ids rate_limiter disable_streaming output_version profile "
            "preamble"
        ),
        clients={
            "client": SdkClient("cohere:Client"),
            "async_client": SdkClient("cohere:AsyncClient"),
        },
        client_arguments={
            "api_key": "cohere_api_key",
            "timeout": "timeout_seconds",
            "client_name": "user_agent",
            "base_url": "base_url",
        },
    ),
    # Its own pydantic fields (its base class BaseCohere's first), in its order. Its
    # validator sets `client` and `async_client` (cohere SDK clients) and, `model` unset,
    # asks Cohere's API for its default model.
    declared=(
        PartnerField("client", Any),
        PartnerField("async_client", Any),
        PartnerField("model", str | None),
        PartnerField("temperature", float | None),
        PartnerField("cohere_api_key", SecretStr | None, env=("COHERE_API_KEY",)),
        PartnerField("stop", List[str] | None),  # noqa: UP006 (its typing.List, not == list)
        PartnerField("streaming", bool, False),
        PartnerField("user_agent", str, "langchain:partner"),
        PartnerField("timeout_seconds", float | None, 300),
        PartnerField("base_url", str | None),
        PartnerField("preamble", str | None),
    ),
)
