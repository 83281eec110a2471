"""A preset built without the key its provider needs: the error its LangChain partner
package raises under the drop-in's name (issue 47: under LangChain's names, LangChain's
behaviour), chatplex's words under chatplex's own. langchain-groq, -perplexity and
-sambanova build their SDK's client when the model is built, and the client refuses with
the SDK's own class and words (`groq.GroqError: The api_key client option must be
set...`); langchain-together and -nebius build the openai SDK's client, which names
OPENAI_API_KEY in the words of the openai version installed (whatever was imported
before). The error is chatplex's `MissingKeyError` in chatplex's words, holding the
partner's as its `partner_error` (which the drop-in raises), each also the SDK's class
where that SDK is imported (`sdk_errors.sdk_compatible`: no SDK is imported for it). The
presets whose partner package refuses with a ValueError of its own (ChatXAI,
ChatDeepSeek, ChatFireworks), and those with no partner package, raise a ValueError.
langchain-mistralai refuses nothing: with no key it sends the literal
`Authorization: Bearer None`; so does the preset to any server but Mistral's own
(`keyless_key`), where it refuses before any request (Mistral answers that header with
a 401)."""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

from ...errors import MissingKeyError
from ...sdk_error_families import ErrorFamily
from ...sdk_errors import sdk_compatible
from ...secret import Secret

__all__ = ["SDK_CLIENT_ERRORS", "keyless_key", "missing_key_error"]

#: Presets whose partner package, given no key, sends the word Python prints for None.
_NONE_SENT = frozenset({"mistralai"})

#: Preset -> (the SDK module whose client refuses, its error class, the variable its
#: words name).
SDK_CLIENT_ERRORS: dict[str, tuple[str, str, str]] = {
    "groq": ("groq", "GroqError", "GROQ_API_KEY"),
    "perplexity": ("perplexity", "PerplexityError", "PERPLEXITY_API_KEY"),
    "sambanova": ("sambanova", "SambaNovaError", "SAMBANOVA_API_KEY"),
    "together": ("openai", "OpenAIError", "OPENAI_API_KEY"),
    "nebius": ("openai", "OpenAIError", "OPENAI_API_KEY"),
}

#: The openai SDK's words since its clients take other credentials (its
#: `lib/_client_auth` module); a Stainless SDK's before.
_OPENAI_CREDENTIALS = (
    "Missing credentials. Please pass an `api_key`, `workload_identity`, `admin_api_key`, "
    "or set the `OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable."
)


def missing_key_error(preset: str, title: str, variables: str) -> BaseException:
    """The error for `preset` built with no key: a `MissingKeyError` in chatplex's words
    naming `variables`, with its partner package's (SDK_CLIENT_ERRORS) as `partner_error`
    where that package raises its own class."""
    words = f"{title} API key missing: pass api_key=... or set {variables}"
    found = SDK_CLIENT_ERRORS.get(preset)
    if found is None:
        return MissingKeyError(words)
    module, name, variable = found
    family = ErrorFamily(module, lambda err, sdk: _named(sdk, name))
    own = MissingKeyError(words)
    partner = sdk_compatible(MissingKeyError(_sdk_words(module, variable)), (family,))
    own.partner_error = partner
    return sdk_compatible(own, (family,), words=False)


def _sdk_words(module: str, variable: str) -> str:
    """What the SDK's client says with no key: the installed openai's credentials words
    where it has them, a Stainless SDK's otherwise."""
    if module == "openai" and _openai_takes_other_credentials():
        return _OPENAI_CREDENTIALS
    return (
        "The api_key client option must be set either by passing api_key to the client "
        f"or by setting the {variable} environment variable"
    )


@cache
def _openai_takes_other_credentials() -> bool:
    """Whether the installed openai SDK has `lib/_client_auth` (read from its files: the
    SDK is not imported for it)."""
    spec = find_spec("openai")
    places = spec.submodule_search_locations if spec is not None else None
    return any(Path(place, "lib", "_client_auth.py").is_file() for place in places or ())


def keyless_key(preset: str) -> Secret | None:
    """The key `preset` sends when it has none (langchain-mistralai's "None", as its
    f-string writes it), or None: the preset refuses (`missing_key_error`) or sends no
    key."""
    return Secret("None") if preset in _NONE_SENT else None


def _named(sdk: object, name: str) -> type[BaseException] | None:
    found = getattr(sdk, name, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None
