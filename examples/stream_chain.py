"""`prompt | model | StrOutputParser()`, streamed: text is printed as it arrives.

python examples/stream_chain.py
"""

from __future__ import annotations

import time

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import StrOutputParser
from chatplex import init_chat_model

PROMPT = ChatPromptTemplate.from_template(
    "Explain in a few sentences why streaming makes {thing} feel fast."
)


def main() -> None:
    with demo_config(latency=0.2, chunk_delay=0.04):
        chain = PROMPT | init_chat_model() | StrOutputParser()
        start = time.perf_counter()
        first: float | None = None
        pieces = 0
        for piece in chain.stream({"thing": "chat apps"}):
            if first is None:
                first = time.perf_counter() - start
            pieces += 1
            print(piece, end="", flush=True)
        print()
        total = time.perf_counter() - start
        print(f"{pieces} pieces; first after {first or 0:.2f}s, all after {total:.2f}s")


if __name__ == "__main__":
    main()
