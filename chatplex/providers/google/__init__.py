"""Google's Gemini API and Vertex AI, one wire: the adapters (`adapter.py`, over
`request.py`, `response.py`, `stream.py`; Vertex AI's credentials in `vertex_auth.py`),
the errors users of langchain-google-genai catch (`errors.py`), the drop-ins
`ChatGoogleGenerativeAI` (`dropin.py`; its partner's SDK client, `genai_client.py`) and
`ChatVertexAI` (`vertex_dropin.py`), what they share (`dropin_settings.py`,
`dropin_base.py`) and the spec (`spec.py`). Gemini batch mode is
`chatplex/batches/gemini.py`; the mock server's wire `chatplex/testing/_mock_wire_gemini.py`
(both above this layer)."""
