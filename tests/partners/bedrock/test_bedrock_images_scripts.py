"""ChatBedrockConverse given LangChain's standard image blocks by URL in a human turn
(its base64 form: test_bedrock_probe_t_scripts.py)."""

from __future__ import annotations

from tests.partners import _standard_images as images
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make

SCRIPTS = images.rows(make, converse(), ("v1_url", "v0_url"))
test_images_same_as_langchain_aws = converse_suite.SUITE.beside(SCRIPTS, {}).same_test()
