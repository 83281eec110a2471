"""ChatBedrockConverse side by side on an `image_url` part whose `image_url` is the URL as a string
(`tests/partners/_image_url_string.py`): its partner raises TypeError before any
request; the drop-in sends the image (a kept difference)."""

from __future__ import annotations

from tests.partners._image_url_string import STRING_REFUSED
from tests.partners._image_url_string import image_sent
from tests.partners._image_url_string import image_url_string
from tests.partners.bedrock import test_bedrock_sidebyside as suite_module
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import make

SCRIPTS = {"image_url_string": (converse(), image_url_string(make))}
DIFFERENCES = {"image_url_string": (STRING_REFUSED, image_sent)}
SUITE = suite_module.SUITE.beside(SCRIPTS, DIFFERENCES)
test_image_url_string_same_as_langchain_aws_converse = SUITE.same_test()
