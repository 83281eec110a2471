"""The User-Agent a drop-in sends under a LangChain class name: the one its partner
package's requests carry, as that package's SDK builds it (`OpenAI/Python 3.57.0` for
ChatOpenAI), so a gateway that routes or admits clients by their User-Agent treats the
drop-in as the partner package. chatplex is added as a suffix only where the SDK itself
appends to its User-Agent (google-genai); a fixed form is sent exactly.

The versions are the installed distributions' (the SDK's, or the partner package's where
that package sets the User-Agent itself); the ones these forms were read from where it is
not installed. chatplex's own models (`init_chat_model`, `ChatModel`) send
`chatplex/<version>` (`chatplex.version.USER_AGENT`).

>>> sdk_agent("ChatOpenAI").startswith("OpenAI/Python ")
True
>>> sdk_agent("ChatModel") is None
True
"""

from __future__ import annotations

import functools
import platform

from ..dropins import USER_AGENT_VERSIONS
from ..dropins import USER_AGENTS as AGENTS
from ..version import USER_AGENT

__all__ = ["AGENTS", "sdk_agent"]


class _Versions(dict[str, str]):
    def __missing__(self, name: str) -> str:
        import importlib.metadata

        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return USER_AGENT_VERSIONS[name]


@functools.cache
def sdk_agent(name: str) -> str | None:
    """The User-Agent of the drop-in named `name` (a LangChain class name); None where
    chatplex sends its own."""
    form = AGENTS.get(name)
    if form is None:
        return None
    known = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "system": platform.system().lower(),
        "chatplex": USER_AGENT,
    }
    return form.format_map(_Versions(known))
