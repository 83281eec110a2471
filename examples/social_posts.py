"""Five social-post candidates at once: `batch` with `max_concurrency`.

The same five requests run twice: two at a time, then all five together. Against the
mock server (0.3 s per reply) that is ~0.9 s versus ~0.3 s.

    python examples/social_posts.py
"""

from __future__ import annotations

import time

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import StrOutputParser
from chatplex import init_chat_model

PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "You write punchy social media posts, under 200 characters."),
        ("human", "Candidate {n}: announce {product} to {audience}."),
    ]
)
AUDIENCES = ["developers", "data scientists", "students", "CTOs", "open-source fans"]


def main() -> None:
    with demo_config(latency=0.3):
        chain = PROMPT | init_chat_model(temperature=0.9) | StrOutputParser()
        inputs = [
            {"n": n, "product": "chatplex 0.1", "audience": audience}
            for n, audience in enumerate(AUDIENCES, start=1)
        ]
        for limit in (2, 5):
            start = time.perf_counter()
            posts = chain.batch(inputs, config={"max_concurrency": limit})
            print(
                f"max_concurrency={limit}: {len(posts)} candidates in "
                f"{time.perf_counter() - start:.2f}s"
            )
        for n, post in enumerate(posts, start=1):
            print(f"  #{n} {post}")


if __name__ == "__main__":
    main()
