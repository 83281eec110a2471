"""The key a preset sends when it has none. langchain-mistralai refuses nothing built
with no key: it sends the literal `Authorization: Bearer None`, and so does the preset to
any server but Mistral's own (`keyless_key`). To its own host every preset refuses
before any request (`MissingKeyError`; Mistral answers that header with a 401). What a
preset's partner package raises there instead is its partner record's (`partner.py`'s
`MISSING_KEY`), raised by the LangChain family alone."""

from __future__ import annotations

from ...secret import Secret

__all__ = ["keyless_key"]

#: Presets whose partner package, given no key, sends the word Python prints for None.
_NONE_SENT = frozenset({"mistralai"})


def keyless_key(preset: str) -> Secret | None:
    """The key `preset` sends when it has none (langchain-mistralai's "None", as its
    f-string writes it), or None: the preset refuses (`MissingKeyError`) or sends no
    key."""
    return Secret("None") if preset in _NONE_SENT else None
