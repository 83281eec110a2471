from __future__ import annotations

import chatplex.bulk as bulk
from tests._fresh import fresh_python


def test_public_names_resolve() -> None:
    for name in bulk.__all__:
        assert getattr(bulk, name) is not None


def test_import_chatplex_loads_neither_bulk_nor_tqdm() -> None:
    code = "import sys, chatplex; print('chatplex.bulk' in sys.modules, 'tqdm' in sys.modules)"
    result = fresh_python(code)
    assert result.stdout.split() == ["False", "False"]
