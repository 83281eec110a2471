"""`RunnableParallel(joke=..., poem=...)`: two chains on the same input, side by side.

`invoke` runs both branches concurrently (one reply's time, not two); `batch` runs every
branch of every input concurrently, up to `max_concurrency`.

    python examples/parallel_joke_poem.py
"""

from __future__ import annotations

import time

from _demo import demo_config

from chatplex import ChatPromptTemplate
from chatplex import RunnableParallel
from chatplex import StrOutputParser
from chatplex import init_chat_model


def main() -> None:
    with demo_config(latency=0.3):
        model = init_chat_model()
        joke = ChatPromptTemplate.from_template("Tell a short joke about {topic}")
        poem = ChatPromptTemplate.from_template("Write a two-line poem about {topic}")
        both = RunnableParallel(
            joke=joke | model | StrOutputParser(),
            poem=poem | model | StrOutputParser(),
        )

        start = time.perf_counter()
        result = both.invoke({"topic": "cats"})
        print(f"invoke ({time.perf_counter() - start:.2f}s):")
        print(f"  joke: {result['joke']}")
        print(f"  poem: {result['poem']}")

        topics = ["tea", "rain", "Mondays"]
        start = time.perf_counter()
        results = both.batch([{"topic": t} for t in topics], config={"max_concurrency": 6})
        print(f"batch of {len(topics)} ({time.perf_counter() - start:.2f}s):")
        for topic, out in zip(topics, results, strict=True):
            print(f"  {topic}: joke={out['joke']!r} poem={out['poem']!r}")


if __name__ == "__main__":
    main()
