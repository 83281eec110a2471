"""AWS Bedrock's declared providers."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_each_name_speaks_its_langchain_class_api() -> None:
    specs = {s.name: s for s in check_wire("bedrock").SPECS}
    # langchain-aws's ChatBedrock speaks InvokeModel, ChatBedrockConverse Converse.
    assert specs["bedrock_converse"].adapter == "chatplex.providers.bedrock.adapter:BedrockAdapter"
    assert specs["bedrock"].adapter == "chatplex.providers.bedrock.invoke:BedrockInvokeAdapter"
    # langchain-aws's model facts are the adapter's, in both classes.
    for name in ("bedrock", "bedrock_converse"):
        assert dict(specs[name].adapter_attributes) == {
            "provider": "vendor",
            "base_model_id": "base_model_id",
        }
    assert specs["bedrock_converse"].langchain_class == "ChatBedrockConverse"
    assert specs["bedrock"].langchain_class == "ChatBedrock"
