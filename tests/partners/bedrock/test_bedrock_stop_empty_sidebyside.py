"""ChatBedrockConverse side by side on an empty `stop` (`[]`, `""`) given to a call: none given,
its partner's `stop or self.stop`: the model's own list is sent where it has one. The
drop-in sent none over the model's, and `[""]` (`tests/partners/_stop_empty.py`)."""

from __future__ import annotations

from tests.partners._stop_empty import stop_empty
from tests.partners.bedrock import test_bedrock_sidebyside as suite_module
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import make

SCRIPTS = {"stop_empty": (converse(), stop_empty(make))}
SUITE = suite_module.SUITE.beside(SCRIPTS, {})
test_stop_empty_same_as_langchain_aws_converse = SUITE.same_test()
