"""ChatBedrock (InvokeModel, Anthropic's models) given LangChain's standard image block
of base64 data in a human turn (its URL forms: test_chatbedrock_probe_t_scripts.py)."""

from __future__ import annotations

from tests.partners import _standard_images as images
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make

SCRIPTS = images.rows(make, invoke(), ("v1_base64",))
test_images_same_as_langchain_aws = chatbedrock_suite.SUITE.beside(SCRIPTS, {}).same_test()
