"""The package versions a LangChain chat model of chatplex's names in its traces
(`metadata["lc_versions"]`, beside langchain-core's and langchain's, which
langchain-core itself records).

langchain-core records the *installed* versions (`langchain` whenever installed, used or
not), and each partner class adds its package's. So a drop-in whose partner package is
installed names what that class names, each at its installed version: a trace reads as
the partner class's would. Where the partner package is not installed there is no class
to be true to, and the drop-in names the package making the calls: chatplex. Read once
per class, on its first model (never at `import chatplex`).
"""

from __future__ import annotations

import functools
from importlib import metadata

from .. import version

__all__ = ["OWN", "named_versions"]

#: What chatplex's own classes name (`ChatChatplex`), and a drop-in without its partner.
OWN: tuple[tuple[str, str], ...] = (("chatplex", version.__version__),)


@functools.cache
def named_versions(
    package: str | None, names: tuple[str, ...] | None
) -> tuple[tuple[str, str], ...]:
    """(package, version) pairs a drop-in names: those its partner class names (`names`;
    None: `package` itself) where `package` is installed, else chatplex's (`OWN`)."""
    if package is None or _installed(package) is None:
        return OWN
    found = ((name, _installed(name)) for name in ((package,) if names is None else names))
    return tuple((name, number) for name, number in found if number is not None)


def _installed(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
