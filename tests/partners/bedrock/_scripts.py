"""The scripts the ChatBedrockConverse suite (`test_bedrock_sidebyside.py`) and the
ChatBedrock suite (`test_chatbedrock_sidebyside.py`) run alike: the same script over each
suite's own `make(cls, url, **settings)`, the same model and keys. A script is
`script(cls, url)`, as every suite's row holds it. With them, the event-stream exception
both servers answer with.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from chatplex.testing._mock_aws import encode_message
from tests.partners._sidebyside import ScriptsOver
from tests.partners._sidebyside import add
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import sum_schema

lc = pytest.importorskip("langchain_core.messages")

MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "not-a-real-secret"}


def exception_event(name: str, message: str) -> bytes:
    headers = {
        ":exception-type": name,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, json.dumps({"message": message}).encode())


class BedrockScripts(ScriptsOver):
    """The shared scripts, each over the suite's `make(cls, url, **settings)`."""

    def invoke_text(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke("Say hello")

    def invoke_tuples(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).invoke([("system", "Be brief."), ("human", "Hi")])

    def ainvoke_text(self, cls: Any, url: str) -> Any:
        return asyncio.run(self.model(cls, url).ainvoke("Say hello"))

    def batch_two(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).batch(["One", "Two"])

    def tool_call_invoke(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add]).invoke("What is 1+2?")

    def tool_choice_forced(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add], tool_choice="add").invoke("What is 1+2?")

    def tool_round_trip(self, cls: Any, url: str) -> Any:
        model = self.model(cls, url).bind_tools([add])
        first = model.invoke("What is 1+2?")
        call = first.tool_calls[0]
        result = lc.ToolMessage(str(add(**call["args"])), tool_call_id=call["id"])
        return model.invoke([lc.HumanMessage("What is 1+2?"), first, result])

    def structured_pydantic(self, cls: Any, url: str) -> Any:
        from pydantic import BaseModel

        class Sum(BaseModel):
            """A sum."""

            total: int

        return self.model(cls, url).with_structured_output(Sum).invoke("1+2?")

    def structured_raw(self, cls: Any, url: str) -> Any:
        schema = sum_schema(description="A sum.")
        return self.model(cls, url).with_structured_output(schema, include_raw=True).invoke("1+2?")

    def max_tokens_stop(self, cls: Any, url: str) -> Any:
        return self.model(cls, url, max_tokens=2).invoke("Tell a story")

    def endpoint_from_environment(self, cls: Any, url: str) -> Any:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", url)
            patch.setenv("AWS_REGION", "us-east-1")
            return cls(model=MODEL, **KEYS).invoke("Hi")

    def error_validation(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url).invoke("Hi"))

    def error_throttled(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url, max_retries=0).invoke("Hi"))

    def error_model_timeout(self, cls: Any, url: str) -> Any:
        """Bedrock's 408 `ModelTimeoutException` (the model ran past its time), invoked
        with the default retries: what is raised, and how often it was sent (once:
        botocore retries no 408)."""
        return raised(lambda: self.model(cls, url).invoke("Hi"))

    def error_access_denied(self, cls: Any, url: str) -> Any:
        return raised(lambda: self.model(cls, url).invoke("Hi"))

    def error_in_stream(self, cls: Any, url: str) -> Any:
        return raised(lambda: list(self.model(cls, url, max_retries=0).stream("Hi")))

    def error_async(self, cls: Any, url: str) -> Any:
        return raised(lambda: asyncio.run(self.model(cls, url).ainvoke("Hi")))

    def config_region(self, cls: Any, url: str) -> Any:
        from botocore.config import Config

        model = cls(model=MODEL, endpoint_url=url, config=Config(region_name="eu-west-1"), **KEYS)
        return model.invoke("Hi")

    def text_and_tool_call(self, cls: Any, url: str) -> Any:
        return self.model(cls, url).bind_tools([add]).invoke("What is 1+2?")
