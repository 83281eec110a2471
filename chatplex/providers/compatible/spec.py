"""The OpenAI-compatible providers, declared as data: one row per preset (`PRESETS`,
a `Preset`, whose parts and helpers are `preset.py`'s): its profile over the Chat
Completions wire (base URL, key variables, refused and renamed parameters, the reply
style of its partner package), its spec fields (name, LangChain class, its class's names
for settings, which `init_chat_model` reads too) and, for a LangChain class, what that
class takes (`DropIn`). Each row is written beside those of its partner's kind: a
package reading the replies itself (`presets_own_reading/`, a module each), a
langchain-openai `BaseChatOpenAI` (`presets_chat_openai.py`), or none to match
(`presets_default_reading.py`); `PRESETS` puts them in their order. `PROFILES`, `SPECS`
and `DROPINS` are read from the rows; the adapter class and the drop-in class are made
from them. A new preset is one row in the module of its kind, its place in `PRESETS`,
and its export (`chatplex/dropins.py`, and its typed import in `chatplex/__init__.py`).
A local server whose native API is a wire of its own folder declares its
OpenAI-compatible endpoint there (`CHAT_COMPLETIONS_SERVERS` in that folder's
`spec.py`, collected by `chatplex.specs.chat_completions_servers`), and is a row here:
that collection loads every spec module, this one too, so it is asked here, where this
module is the one loading (asked from a rows module, loaded first, it would import
this one, which imports that rows module half made).

Pure data: this module imports nothing of chatplex but `chatplex.specs` and the rows'
modules, pure data too."""

from __future__ import annotations

from ...specs import chat_completions_servers
from .preset import DropIn
from .preset import Preset
from .presets_chat_openai import CEREBRAS
from .presets_chat_openai import DEEPSEEK
from .presets_chat_openai import NEBIUS
from .presets_chat_openai import TOGETHER
from .presets_chat_openai import XAI
from .presets_default_reading import HUGGINGFACE
from .presets_default_reading import HYPERBOLIC
from .presets_default_reading import LMSTUDIO
from .presets_default_reading import VLLM
from .presets_own_reading.fireworks import FIREWORKS
from .presets_own_reading.groq import GROQ
from .presets_own_reading.mistralai import MISTRALAI
from .presets_own_reading.openrouter import OPENROUTER
from .presets_own_reading.perplexity import PERPLEXITY
from .presets_own_reading.sambanova import SAMBANOVA
from .profile import Profile

#: Every OpenAI-compatible preset, one row each (see `Preset`). Sources: the
#: langchain-<provider> packages (variables, defaults) and the providers' API references
#: (rejected parameters).
PRESETS: tuple[Preset, ...] = (
    GROQ,
    DEEPSEEK,
    XAI,
    MISTRALAI,
    FIREWORKS,
    TOGETHER,
    PERPLEXITY,
    CEREBRAS,
    OPENROUTER,
    HUGGINGFACE,
    VLLM,
    LMSTUDIO,
    *(
        Preset(Profile(name, title, base_url), price_id=price_id)
        for name, title, base_url, price_id in chat_completions_servers()
    ),
    SAMBANOVA,
    NEBIUS,
    HYPERBOLIC,
)

#: LangChain provider name → its profile.
PROFILES: dict[str, Profile] = {row.profile.name: row.profile for row in PRESETS}
SPECS = tuple(row.spec for row in PRESETS)
#: Provider name → what its LangChain class takes beyond the shared parameters.
DROPINS: dict[str, DropIn] = {
    row.profile.name: dropin for row in PRESETS if (dropin := row.named_dropin) is not None
}
