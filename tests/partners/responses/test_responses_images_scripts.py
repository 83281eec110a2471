"""ChatOpenAI on the Responses API given LangChain's standard image blocks by URL in a
human turn (its base64 form: test_responses_sidebyside.py's `std_image_block`)."""

from __future__ import annotations

from tests.partners import _standard_images as images
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model

SCRIPTS = images.rows(_model, Script(), ("v1_url", "v0_url"))
test_images_same_as_langchain_openai = responses_suite.SUITE.beside(SCRIPTS, {}).same_test()
