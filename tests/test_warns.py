"""tests/_warns.py: `warns_nothing` fails on a warning, not on a reclaimed socket."""

from __future__ import annotations

import warnings

import pytest

from tests._warns import warns_nothing


def test_warns_nothing_fails_on_a_warning_but_not_on_a_reclaimed_socket() -> None:
    with pytest.raises(UserWarning, match="said"), warns_nothing():
        warnings.warn("said", stacklevel=1)
    # A socket an earlier test left, reclaimed inside the block: shown, not raised.
    with warnings.catch_warnings(record=True) as seen, warns_nothing():
        warnings.warn("unclosed <socket.socket fd=3>", ResourceWarning, stacklevel=1)
    assert [w.category for w in seen] == [ResourceWarning]
