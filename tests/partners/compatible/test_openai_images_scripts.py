"""ChatOpenAI (Chat Completions) given LangChain's standard image blocks in a human turn,
the scripts the presets run in the compatible suite (base64, by URL, the v0
`source_type` form); and an image replayed in an assistant turn, over ChatOpenAI and
every preset's partner package, where langchain-perplexity's refusal is a kept difference
(`DIFFERENCES`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _standard_images as images
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import refused_before_sending
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_probe_w_scripts import RUN
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

SCRIPTS = {
    "base64": suite.std_image_base64_block,
    "url": suite.std_image_url_block,
    "source_type": suite.std_image_source_type_block,
}


@pytest.mark.parametrize("form", sorted(SCRIPTS))
def test_images_same_as_langchain_openai(form: str, server: ScriptedServer) -> None:
    assert_same(suite.run_script(OPENAI, Script("A pixel."), SCRIPTS[form], server))


def image_replayed(cls: Any, p: Package, url: str) -> Any:
    """An assistant turn holding a standard base64 image (a generated one, replayed),
    then a question: the reply, or the class of what refused it."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage

    drawn = AIMessage([{"type": "text", "text": "Drawn."}, images.IMAGES["v1_base64"]])
    history = [HumanMessage("Draw a pixel."), drawn, HumanMessage("What colour is it?")]
    return attempted(lambda: suite._model(cls, p, url).invoke(history))


def _image_part_replayed(body: dict[str, Any]) -> bool:
    """The assistant turn holds the image as an `image_url` part, and Perplexity's own
    schema takes the body (its parts, image_url among them, in any role)."""
    parts = [p["type"] for p in body["messages"][1]["content"]]
    return suite.perplexity_takes(body) and parts == ["text", "image_url"]


#: (package, script) -> (why it differs, how its outcome is read), as the compatible
#: suite's rows.
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("perplexity", "image_replayed"): (
        Difference(
            Reason.RAISES,
            "an assistant turn holding a standard image block (a generated image, "
            "replayed) is handed to the perplexity SDK unconverted, which refuses it "
            "(ValidationError, nothing sent)",
            "the image is sent as an `image_url` part, which Perplexity's message schema "
            "takes in an assistant turn as in a user turn",
        ),
        refused_before_sending("ValidationError", _image_part_replayed),
    ),
}


@pytest.mark.parametrize("package", sorted(RUN))
def test_image_replayed_same_as_the_partner_package(package: str, server: ScriptedServer) -> None:
    outcome = suite.run_script(RUN[package], Script("White."), image_replayed, server)
    assert_same(kept_out(outcome, DIFFERENCES, (package, "image_replayed")))
