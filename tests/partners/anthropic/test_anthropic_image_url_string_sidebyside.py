"""ChatAnthropic given an `image_url` part holding its URL as a string: langchain-anthropic
reads `image_url["url"]` of the string (a TypeError); the drop-in sends the image."""

from __future__ import annotations

from tests.partners._image_url_string import beside
from tests.partners.anthropic import test_anthropic_sidebyside as wire

DIFFERENCES, SUITE = beside(wire.SUITE, wire.messages_reply(), wire.COMMON.model)
test_image_url_string_same_as_langchain_anthropic = SUITE.same_test()
