"""ChatAnthropic side by side on an empty `stop` (`[]`, `""`) given to a call: none given,
its partner's `stop or self.stop`: the model's own list is sent where it has one. The
drop-in sent none over the model's, and `[""]` (`tests/partners/_stop_empty.py`)."""

from __future__ import annotations

from tests.partners._stop_empty import stop_empty
from tests.partners.anthropic import test_anthropic_sidebyside as suite_module
from tests.partners.anthropic.test_anthropic_sidebyside import COMMON
from tests.partners.anthropic.test_anthropic_sidebyside import messages_reply

SCRIPTS = {"stop_empty": (messages_reply(), stop_empty(COMMON.model))}
SUITE = suite_module.SUITE.beside(SCRIPTS, {})
test_stop_empty_same_as_langchain_anthropic = SUITE.same_test()
