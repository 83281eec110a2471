"""langchain-ibm's `ChatWatsonx` as data (`PartnerClass`): the facts its LangChain class
reports and its own pydantic fields, read only by `chatplex.langchain` through the
engine (`dropin.ChatWatsonx.partner_record`).

>>> CHAT_WATSONX.llm_type, CHAT_WATSONX.distribution
('watsonx-chat', 'langchain-ibm')
"""

from __future__ import annotations

from typing import Any
from typing import Literal

from pydantic import SecretStr

from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField

__all__ = ["CHAT_WATSONX"]

CHAT_WATSONX = PartnerClass(
    llm_type="watsonx-chat",
    partner_class="langchain_ibm.chat_models:ChatWatsonx",
    # Its own pydantic fields (langchain-ibm 1.1's), in its order. Its SDK objects'
    # classes (`ModelInference`, `Gateway`, `APIClient`, `TextChatParameters`) are
    # ibm-watsonx-ai's, not a dependency here: `Any`. Its aliases as it writes them (some
    # are the field's own name).
    declared=(
        PartnerField("model_id", str | None),
        PartnerField("model", str | None),
        PartnerField("deployment_id", str | None),
        PartnerField("project_id", str | None, alias="project_id", env=("WATSONX_PROJECT_ID",)),
        PartnerField("space_id", str | None, alias="space_id", env=("WATSONX_SPACE_ID",)),
        PartnerField("url", SecretStr, alias="url", env=("WATSONX_URL",)),
        PartnerField("apikey", SecretStr | None),
        # (taken as `api_key` or `apikey`: pydantic's validation alias, no `alias`)
        PartnerField("api_key", SecretStr | None, env=("WATSONX_API_KEY", "WATSONX_APIKEY")),
        PartnerField("token", SecretStr | None, alias="token", env=("WATSONX_TOKEN",)),
        PartnerField("password", SecretStr | None, alias="password", env=("WATSONX_PASSWORD",)),
        PartnerField("username", SecretStr | None, alias="username", env=("WATSONX_USERNAME",)),
        PartnerField(
            "instance_id", SecretStr | None, alias="instance_id", env=("WATSONX_INSTANCE_ID",)
        ),
        PartnerField("version", SecretStr | None),
        PartnerField("params", Any),
        PartnerField("frequency_penalty", float | None),
        PartnerField("logprobs", bool | None),
        PartnerField("top_logprobs", int | None),
        PartnerField("max_tokens", int | None),
        PartnerField("max_completion_tokens", int | None),
        PartnerField("n", int | None),
        PartnerField("presence_penalty", float | None),
        PartnerField("temperature", float | None),
        PartnerField("response_format", dict[str, Any] | None),
        PartnerField("top_p", float | None),
        PartnerField("time_limit", int | None),
        PartnerField("logit_bias", dict[str, int] | None),
        PartnerField("seed", int | None),
        PartnerField("stop", list[str] | None),
        PartnerField("chat_template_kwargs", dict[str, Any] | None),
        PartnerField("reasoning_effort", Literal["low", "medium", "high"] | None),
        PartnerField("include_reasoning", bool | None),
        PartnerField("repetition_penalty", float | None),
        PartnerField("length_penalty", float | None),
        PartnerField("verify", str | bool | None),
        PartnerField("validate_model", bool, True),
        PartnerField("streaming", bool, False),
        PartnerField("watsonx_model", Any, excluded=True),
        PartnerField("watsonx_model_gateway", Any, excluded=True),
        PartnerField("watsonx_client", Any, excluded=True),
    ),
)
