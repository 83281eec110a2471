"""A preset's error status in a script that imports chatplex's drop-in alone (an
interpreter of its own, forked after that import: `dropins_alone`), side by side with its
partner package: the partner package always imports its SDK, so its error is the SDK's
class (or the partner's own over it) in the SDK's words, whatever the script imported;
the drop-in's error loads that SDK where it is installed (`ErrorFamily.partner_loads`) and
is the same class in the same words."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests._local_server import Answering
from tests._local_server import serving
from tests.partners._dropins_alone import DropInsAlone
from tests.partners._sidebyside import scripted_server
from tests.partners.compatible._error_seen import raised
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_sambanova_sidebyside import SAMBANOVA
from tests.partners.test_error_event_callbacks import _openai_stream
from tests.partners.test_error_event_callbacks import _streamed_then_failed

#: The presets whose partner raises through a Stainless SDK other than openai's, and one
#: on langchain-openai's (openai's family, loaded the same way).
CASES = {
    **{name: PACKAGES[name] for name in ("groq", "fireworks", "perplexity", "xai")},
    "sambanova": SAMBANOVA,
}

_SCRIPT = """
import json, sys
import chatplex.langchain
from tests.partners.compatible._error_seen import raised
name, sdk, model = sys.argv[1:4]
imported = sdk in sys.modules
print(json.dumps({"sdk_imported_first": imported, **raised(chatplex.langchain, name, sdk, model)}))
"""


class _Forbidden(Answering):
    def _answer(self) -> None:
        self.read_body()
        error = {"message": "no", "type": "permission_error", "code": "forbidden"}
        self.answer(403, json.dumps({"error": error}).encode())

    do_GET = do_POST = _answer


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(_Forbidden) as url:
        yield url


def _environment(package: Package, url: str) -> dict[str, str]:
    return {package.base_variable: package.base(url), package.key_variable: "sk-test-0000"}


@pytest.mark.parametrize("name", list(CASES))
def test_a_presets_error_is_its_sdks_without_the_sdk_imported(
    name: str, server: str, monkeypatch: pytest.MonkeyPatch, dropins_alone: DropInsAlone
) -> None:
    package = CASES[name]
    partner = pytest.importorskip(package.module)
    env = _environment(package, server)
    ran = dropins_alone.run(
        _SCRIPT, package.cls, package.sdk, package.model, env={**os.environ, **env}
    )
    ours = json.loads(ran.stdout.strip().splitlines()[-1])
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    theirs = raised(partner, package.cls, package.sdk, package.model)
    assert ours["sdk_imported_first"] is False
    # Named as the partner package's own class over the SDK's (langchain-fireworks',
    # langchain-openai's), which a script that never imported it has not loaded.
    assert ours["class"] == theirs["class"]
    assert ours["sdk_class"] == theirs["sdk_class"]
    assert ours["words"] == theirs["words"]
    assert ours["status_code"] == theirs["status_code"] == 403


_STREAMED = """
import json, sys
import chatplex.langchain
from tests.partners.test_error_event_callbacks import _streamed_then_failed
url = sys.argv[1]
assert "groq" not in sys.modules
outcome = _streamed_then_failed(chatplex.langchain.ChatGroq, url, "stream", model="m", api_key="k")
print(json.dumps(outcome))
"""


def test_a_groq_streams_error_event_is_the_sdks_without_the_sdk_imported(
    dropins_alone: DropInsAlone,
) -> None:
    """An error event inside a stream (the groq SDK raises its plain `APIError` for it):
    the same class and callbacks as langchain-groq's, with no second generation built
    from a response the partner's error has not."""
    partner = pytest.importorskip("langchain_groq")
    with scripted_server() as served:
        served.handler = _openai_stream
        theirs = _streamed_then_failed(
            partner.ChatGroq, served.url, "stream", model="m", api_key="k"
        )
        ran = dropins_alone.run(_STREAMED, served.url)
    ours = json.loads(ran.stdout.strip().splitlines()[-1])
    assert ours == json.loads(json.dumps(theirs))
    assert ours["raised"] == "APIError"
