"""IBM watsonx.ai's chat API (`POST {url}/ml/v1/text/chat`, streamed from
`/ml/v1/text/chat_stream`), LangChain's `ChatWatsonx` (langchain-ibm): its spec
(`spec.py`), the IBM Cloud IAM token (`auth.py`), the request and reply translation
(`request.py`, `response.py`, the SSE stream in `stream.py`), the SDK's error classes
(`errors.py`), the adapter (`adapter.py`) and the drop-in (`dropin.py`)."""
