"""ChatBedrock (InvokeModel, Anthropic's models) in the probe_w set's scripts
(`tests/partners/_probe_w.py`); a v0 PDF block is its kept difference."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import refused_before_sending
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import tool_use

SCRIPTS = probe.rows(make, invoke(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
_TWO = invoke(tool_use("add", {"a": 1, "b": 2}, "t1"), tool_use("mul", {"a": 2, "b": 3}, "t2"))
SCRIPTS |= probe.rows(make, _TWO, ("two_calls_run",))


def _document_first(body: dict[str, Any]) -> bool:
    """Whether the PDF went as a base64 `document` block before the text and the image
    (where langchain-aws puts a turn's document blocks)."""
    pdf = {"type": "base64", "media_type": "application/pdf", "data": probe.PDF}
    png = {"type": "base64", "media_type": "image/png", "data": PNG}
    document, text, image = body["messages"][0]["content"]
    sent = (document, text["type"], image)
    return sent == ({"type": "document", "source": pdf}, "text", {"type": "image", "source": png})


V0_PDF_REFUSED = Difference(
    Reason.RAISES,
    "refuses a PDF given as LangChain's v0 standard block (`{'type': 'file', "
    "'source_type': 'base64', ...}`) with a ValueError (`Blocks of type file not "
    "supported`), before any request",
    "the file is sent as a base64 `document` block, as langchain-anthropic sends it",
)
DIFFERENCES = {
    "v0_base64_blocks": (V0_PDF_REFUSED, refused_before_sending("ValueError", _document_first))
}

test_probe_w_same_as_langchain_aws = chatbedrock_suite.SUITE.beside(
    SCRIPTS, DIFFERENCES
).same_test()
