from __future__ import annotations

import subprocess
import sys

import chatplex.bulk as bulk


def test_public_names_resolve() -> None:
    for name in bulk.__all__:
        assert getattr(bulk, name) is not None


def test_import_chatplex_loads_neither_bulk_nor_tqdm() -> None:
    code = "import sys, chatplex; print('chatplex.bulk' in sys.modules, 'tqdm' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["False", "False"]
