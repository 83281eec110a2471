"""Swap providers by changing only CHATPLEX_MODEL: the code below never names one.

    CHATPLEX_MODEL=openai:gpt-4o-mini          python examples/swap_providers.py
    CHATPLEX_MODEL=anthropic:claude-sonnet-4-5 python examples/swap_providers.py

(with OPENAI_API_KEY / ANTHROPIC_API_KEY set). Without CHATPLEX_MODEL it asks the same
question once per provider against the embedded mock server, changing nothing but
CHATPLEX_MODEL between the two runs.
"""

from __future__ import annotations

import os

from _demo import demo_config

from chatplex import init_chat_model


def ask() -> None:
    model = init_chat_model()  # the model, and its settings, come from the environment
    reply = model.invoke("In one sentence: why swap models by configuration?")
    meta, usage = reply.response_metadata, reply.usage_metadata or {}
    print(f"{os.environ['CHATPLEX_MODEL']}: {reply.text}")
    print(
        f"  provider={meta.get('provider')} model={meta.get('model_name')} "
        f"tokens={usage.get('total_tokens')}"
    )


def main() -> None:
    if os.environ.get("CHATPLEX_MODEL"):
        ask()
        return
    with demo_config():
        for name in ("openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5"):
            os.environ["CHATPLEX_MODEL"] = name
            ask()


if __name__ == "__main__":
    main()
