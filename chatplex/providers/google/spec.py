"""Google's provider names: the Gemini Developer API and Vertex AI."""

from __future__ import annotations

from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "google_genai",
        "chatplex.adapters.gemini:GeminiAdapter",
        langchain_class="ChatGoogleGenerativeAI",
        otel_name="gcp.gen_ai",
    ),
    ProviderSpec(
        "google_vertexai",
        "chatplex.adapters.gemini:VertexAIAdapter",
        langchain_class="ChatVertexAI",
        otel_name="gcp.vertex_ai",
        # LangChain's choice for bare "gemini..." names (it warns it will be google_genai).
        model_prefixes=("gemini",),
    ),
)
