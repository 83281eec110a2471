"""The OpenAI and Anthropic wires as the SDK-error tests call them (tests/test_sdk_errors.py,
tests/test_sdk_error_langchain.py, tests/test_sdk_error_stainless.py): the families their
adapters declare, their URLs, an error body each and a LangChain drop-in each."""

from __future__ import annotations

from typing import Any

from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatOpenAI
from chatplex.sdk_error_stainless import stainless_family

#: The families the OpenAI and Anthropic wires declare (their adapters' error_families).
OPENAI = (stainless_family("openai"),)
ANTHROPIC = (stainless_family("anthropic"),)

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"


def error_body(status: int, provider: str) -> dict[str, Any]:
    if provider == "openai":
        return {"error": {"message": f"m{status}", "type": "t", "param": "p", "code": "c"}}
    return {"type": "error", "error": {"type": f"t{status}", "message": f"m{status}"}}


def dropin_model(provider: str) -> Any:
    if provider == "openai":
        return ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", max_retries=0)
    return ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-ant-test", max_retries=0)


def url_for(provider: str) -> str:
    return OPENAI_URL if provider == "openai" else ANTHROPIC_URL
