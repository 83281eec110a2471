"""What the Converse request tests share (test_request.py, test_conversation.py,
test_tool_config.py, test_output_config.py): a PNG and a tool, and botocore's own
validation of a body against the bedrock-runtime service model."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from chatplex.adapters.request_types import ToolSpec

botocore_session = pytest.importorskip("botocore.session")
from botocore.validate import validate_parameters  # noqa: E402

__all__ = ["PNG", "WEATHER", "botocore_accepts", "botocore_session", "validate_parameters"]


PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def botocore_accepts(body: dict[str, Any], operation: str = "Converse") -> None:
    """botocore's own validation of the body as `converse(**params)` would take it: the
    wire's base64 image bytes become the bytes the SDK takes."""
    params = copy.deepcopy(body)
    params["modelId"] = "anthropic.claude-3-5-haiku-20241022-v1:0"
    for turn in params["messages"]:
        for block in turn["content"]:
            image = block.get("image")
            if image:
                image["source"]["bytes"] = base64.b64decode(image["source"]["bytes"])
    model = botocore_session.get_session().get_service_model("bedrock-runtime")
    validate_parameters(params, model.operation_model(operation).input_shape)
