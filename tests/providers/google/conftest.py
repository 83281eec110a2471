"""The Gemini and Vertex AI tests' shared fixtures (`_gemini_fake.py`)."""

from tests.providers.google._gemini_fake import slept  # noqa: F401 (a fixture)
