"""AWS Bedrock's declared providers."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_both_names_speak_converse() -> None:
    specs = {s.name: s for s in check_wire("bedrock").SPECS}
    assert specs["bedrock"].adapter == specs["bedrock_converse"].adapter
    assert specs["bedrock_converse"].langchain_class == "ChatBedrockConverse"
    assert specs["bedrock"].langchain_class == "ChatBedrock"
