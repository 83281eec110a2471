"""A stream's pieces from LangChain's parallel branches, put where they can be compared.

`with_structured_output(include_raw=True)` fills `parsed` and `parsing_error` with
`RunnablePassthrough.assign`, which runs them side by side: a stream yields their pieces
in whichever order the scheduler finishes them, on the partner's class and on chatplex's
alike. That order is never the model's, so a side-by-side compares them in key order.
"""

from __future__ import annotations

from typing import Any

#: The keys `include_raw`'s chain fills side by side.
_SIDE_BY_SIDE = frozenset({"parsed", "parsing_error"})


def _branch_piece(piece: Any) -> bool:
    return isinstance(piece, dict) and bool(piece) and set(piece) <= _SIDE_BY_SIDE


def settled(pieces: list[Any]) -> list[Any]:
    """`pieces` with the side-by-side branch pieces in key order where they stand; every
    other piece keeps its place.

    >>> settled([{"raw": 1}, {"parsing_error": None}, {"parsed": 2}])
    [{'raw': 1}, {'parsed': 2}, {'parsing_error': None}]
    """
    spots = [i for i, piece in enumerate(pieces) if _branch_piece(piece)]
    ordered = sorted((pieces[i] for i in spots), key=sorted)
    out = list(pieces)
    for i, piece in zip(spots, ordered, strict=True):
        out[i] = piece
    return out
