"""ChatBedrockConverse in the probe_z set's scripts (`tests/partners/_probe_z.py`): media in
a question and in a tool's result, a `content_and_artifact` tool's round, each provider's
reply replayed, and a reply read back through `.content_blocks` and `.text`; answered as
the probe_y set's Converse API answers, compared as `test_bedrock_sidebyside.py`
compares."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_converse_probe_y_factories import answer
from tests.partners.bedrock.test_converse_probe_y_factories import make

SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make).items()}


def _server_blocks_refused(outcome: Outcome) -> Outcome:
    """Theirs raised KeyError for each reply holding a server tool's blocks, before any
    request; ours refused Anthropic's and the v1 one (ValueError), and sent the Responses
    API's reply's text (its search is no block of its content) as theirs sent Gemini's.
    Then ours is read as theirs, without that request."""
    theirs, ours, their_requests, our_requests = outcome
    for name in ("anthropic", "responses", "v1"):
        assert theirs[name] == {"refused": "KeyError"}, theirs
    assert ours["anthropic"] == ours["v1"] == {"refused": "ValueError"}, ours
    assert ours["responses"]["content"] == ours["gemini"]["content"], ours
    assert our_requests == their_requests * 2, (our_requests, their_requests)
    ours = {**ours, **{name: theirs[name] for name in ("anthropic", "responses", "v1")}}
    return theirs, ours, their_requests, their_requests


DIFFERENCES: dict[str, Any] = {
    "foreign_reply_replayed": (
        Difference(
            Reason.RAISES,
            "another provider's reply in a history holding a server-side tool's blocks "
            "(Anthropic's web search, the Responses API's `web_search_call`, LangChain's "
            "v1 `server_tool_result`) raises KeyError ('toolUseId') before any request",
            "a reply whose content holds such a block is a ValueError naming its type "
            "before any request; the Responses API's reply, whose search is kept beside "
            "its content, is sent as its text",
        ),
        probe.within(_server_blocks_refused),
    ),
}

SUITE = converse_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_z_same_as_langchain_aws = SUITE.same_test()
