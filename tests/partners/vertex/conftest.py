"""The Vertex AI suites' fixture of injected retry waits (`_gemini_fake.slept`)."""

from tests.providers.google._gemini_fake import slept  # noqa: F401 (a fixture)
