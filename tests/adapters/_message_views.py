"""Every way a user sees a message, for the lazy-metadata tests of each wire: an unread
reply must look, through each, exactly as one built eagerly."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

from chatplex.messages import AIMessage

VIEWS: list[Callable[[AIMessage], Any]] = [
    lambda m: m,
    repr,
    lambda m: m.model_dump(),
    lambda m: m.model_dump_json(),
    lambda m: pickle.loads(pickle.dumps(m)),
    copy.copy,
    copy.deepcopy,
    lambda m: m.model_copy(deep=True),
    lambda m: vars(m),
]
