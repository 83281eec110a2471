"""The OpenAI-compatible presets with no partner reading to match (no reply style of
their own: chatplex reads them as Chat Completions): Hugging Face, the local servers
vLLM and LM Studio (those the other folders declare are `spec.py`'s own rows), and
Hyperbolic.

Pure data, read by `spec.py` (its import-linter contract holds for what this imports)."""

from __future__ import annotations

from .partner_tables import CLIENTS
from .preset import DropIn
from .preset import Preset
from .preset import hosted
from .profile import Profile

HUGGINGFACE = Preset(
    hosted(
        "huggingface",
        "Hugging Face",
        "https://router.huggingface.co/v1",
        key_variables=("HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN"),
        base_variables=(),
    ),
    langchain_class="ChatHuggingFace",
    litellm_prefixes=("huggingface",),
    retry_after_ms_header=None,  # huggingface_hub's client reads no wait in milliseconds
)


VLLM = Preset(
    Profile("vllm", "vLLM", "http://localhost:8000/v1"), litellm_prefixes=("hosted_vllm",)
)


LMSTUDIO = Preset(
    Profile("lmstudio", "LM Studio", "http://localhost:1234/v1"), litellm_prefixes=("lm_studio",)
)


# Hyperbolic: no LangChain partner package, so its class is chatplex's own name.
HYPERBOLIC = Preset(
    hosted(
        "hyperbolic",
        "Hyperbolic",
        "https://api.hyperbolic.xyz/v1",
    ),
    langchain_class="ChatHyperbolic",
    langchain_init=False,
    dropin=DropIn(refused=CLIENTS),
)
