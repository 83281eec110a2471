"""ChatBedrockConverse on an `image_url` part holding the URL as a plain string:
langchain-aws raises TypeError before any request; the drop-in sends the image as
Converse's `image` block (ChatBedrock's row: test_chatbedrock_image_url_string_...)."""

from __future__ import annotations

from tests.partners._image_url_string import beside
from tests.partners.bedrock import test_bedrock_sidebyside as converse

DIFFERENCES, SUITE = beside(converse.SUITE, converse.converse(), converse.make)
test_image_url_string_same_as_langchain_aws_converse = SUITE.same_test()
