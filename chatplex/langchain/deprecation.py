"""A deprecated partner class's warnings, as its decorators give them when a script
builds one (`PartnerClass.deprecated`): `typing_extensions.deprecated`'s
DeprecationWarning at every construction, then langchain-core's `@deprecated`: its
LangChainDeprecationWarning once a process, and not where LangChain's own code builds
the class (nor chatplex's drop-in layer, which stands in for it: `init_chat_model`). A
script's subclass warns of neither (`DropInChatModel.__init__` asks only for the class
itself).
"""

from __future__ import annotations

import sys
import warnings

from langchain_core._api.deprecation import warn_deprecated

from ..chat.partner_record import PartnerDeprecation

__all__ = ["warn_as_partner"]

#: The classes whose LangChainDeprecationWarning was given (once each, as its wrapper).
_WARNED: set[str] = set()
#: The callers langchain-core counts as its own (`is_caller_internal`), and the drop-in
#: layer's, which builds classes where LangChain's own code would.
_INTERNAL = ("langchain", "chatplex.langchain")


def warn_as_partner(name: str, deprecation: PartnerDeprecation) -> None:
    """The warnings of building the deprecated class `name`, at the line that called the
    constructor calling this function (langchain-core's warning names the frame four
    above its own: its wrapper's caller)."""
    warnings.warn(deprecation.words, DeprecationWarning, stacklevel=3)
    caller = str(sys._getframe(2).f_globals.get("__name__", ""))
    if name in _WARNED or caller.startswith(_INTERNAL):
        return
    _WARNED.add(name)
    warn_deprecated(
        deprecation.since,
        name=name,
        removal=deprecation.removal,
        # (as its decorator hands it: the name in backticks, which its words then hold)
        alternative_import=f"`{deprecation.alternative_import}`",
        obj_type="class",
    )
