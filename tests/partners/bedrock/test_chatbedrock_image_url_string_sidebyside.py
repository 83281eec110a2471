"""langchain-aws's InvokeModel class, ChatBedrock, given the `image_url` part in OpenAI's
string form: a TypeError from its Anthropic converter, nothing sent. The drop-in sends
the image as Anthropic's base64 `source`."""

from __future__ import annotations

from tests.partners._image_url_string import beside
from tests.partners.bedrock import test_chatbedrock_sidebyside as invoke_model

DIFFERENCES, SUITE = beside(invoke_model.SUITE, invoke_model.invoke(), invoke_model.make)
test_image_url_string_same_as_langchain_aws_chatbedrock = SUITE.same_test()
