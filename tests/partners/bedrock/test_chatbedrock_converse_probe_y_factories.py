"""ChatBedrock on the Converse API (a Nova model, which langchain-aws's ChatBedrock hands
to a ChatBedrockConverse it builds) in the probe_y set's scripts
(`tests/partners/_probe_y.py`, its `FACTORIES`, and the parameterised ones), compared as
`test_chatbedrock_sidebyside.py` compares, against the Converse server of
`test_converse_probe_y_factories.py`."""

from __future__ import annotations

from collections.abc import Callable

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import CONVERSE_OBJECT_REFUSED
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock import test_converse_probe_y_factories as converse_factories
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import NOVA
from tests.partners.bedrock.test_converse_probe_y_factories import COPIES_REFUSED
from tests.partners.bedrock.test_converse_probe_y_factories import answer
from tests.partners.bedrock.test_converse_probe_y_factories import bedrock_scripts
from tests.partners.bedrock.test_converse_probe_y_factories import choice_object_read
from tests.partners.bedrock.test_converse_probe_y_factories import constructors
from tests.partners.bedrock.test_converse_probe_y_factories import copies_kept

#: Nova Lite's constructors: ChatBedrock hands a Nova model to the Converse API.
make, _profile_make = constructors(NOVA)
SCRIPTS = bedrock_scripts(answer, make, _profile_make, "amazon.nova-pro-v1:0")
# Theirs raises out of the script: it refuses another API's choice object when bound.
SCRIPTS["foreign_tool_forms"] = (
    answer,
    lambda cls, url: attempted(
        lambda: probe.foreign_tool_forms(make, probe.OPENAI_TOOL, probe.OPENAI_CHOICE)(cls, url)
    ),
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "tool_choices": converse_factories.DIFFERENCES["tool_choices"],
    "copied_and_pickled": (COPIES_REFUSED, copies_kept),
    "foreign_tool_forms": (CONVERSE_OBJECT_REFUSED, choice_object_read),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_y_same_as_langchain_aws_chatbedrock_converse = SUITE.same_test()
