"""ChatBedrockConverse in the probe_y set's scripts: a credentials profile beside keys
(`_profile_scripts.py`), read as its suite (`test_bedrock_sidebyside.py`) reads a reply
and a request."""

from __future__ import annotations

from tests.partners.bedrock import _profile_scripts
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make

SCRIPTS = _profile_scripts.rows(make, converse(), MODEL)
test_probe_y_same_as_langchain_aws = converse_suite.SUITE.beside(SCRIPTS, {}).same_test()
