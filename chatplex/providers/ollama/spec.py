"""Ollama's native `/api/chat` (LangChain's `ChatOllama`), and its OpenAI-compatible
endpoint, which the compatible presets serve (`CHAT_COMPLETIONS_SERVERS`)."""

from __future__ import annotations

from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import OutputShape
from ...specs import ProviderSpec

#: Ollama's OpenAI-compatible endpoint (`/v1/chat/completions`), a preset of the
#: compatible wire (collected by `chatplex.specs.chat_completions_servers`: Ollama is
#: named only in its own folder): provider name, title, default base URL, price id.
CHAT_COMPLETIONS_SERVERS = (
    ("ollama_openai", "Ollama (OpenAI endpoint)", "http://localhost:11434/v1", "ollama"),
)

#: langchain-ollama's result: the whole reply as the generation's info, no `llm_output`
#: (its `invoke` streams underneath).
OLLAMA_SHAPE = OutputShape(info=None, output=None, streamed=None)

SPECS = (
    ProviderSpec(
        "ollama",
        "chatplex.providers.ollama.adapter:OllamaAdapter",
        langchain_class="ChatOllama",
        litellm_prefixes=("ollama", "ollama_chat"),
        # langchain-ollama reports no max tokens. (Nor a call's model, which its trace
        # then misattributes: chatplex reports it, a kept difference.)
        ls_rule=LangSmithRule(max_tokens_keyword=None),
        llm_output=OLLAMA_SHAPE,
        invoke_streams=True,  # langchain-ollama's invoke streams and merges the pieces
        invoke_token_verbose=True,  # ... each token's hook given verbose=self.verbose
        finish_reason_written=False,  # langchain-ollama keeps the reply's `done_reason`
        stop_word_key="done_reason",
        # langchain-ollama: the reply's fields as they came, then the model's names.
        metadata_order=KeyOrder(last=("model_name", "model_provider")),
        stream_metadata_order=KeyOrder(last=("model_name", "model_provider")),
        stream_finish_keys=("model_name", "model_provider"),  # on its last chunk alone
        # Its runner takes any sampling value (its API checks none), as langchain-ollama
        # sends it (`temperature=3` too), and `num_predict` -1 (no limit) or -2 (the
        # context's).
        setting_ranges=(("temperature", None), ("top_p", None), ("max_tokens", (-2, float("inf")))),
    ),
)
