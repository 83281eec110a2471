"""Each wire side by side with its LangChain partner package (langchain-groq,
langchain-google-genai, langchain-aws, ...): the same script run with the partner's class
and with chatplex's drop-in against one scripted server, compared field by field.

Differences kept on purpose (each suite's `DIFFERENCES`, each with why) are taken out
before the comparison; a script whose outcome differs otherwise fails."""

import pytest

# The kit's `assert_same` says what differs, as a test's own assert does.
pytest.register_assert_rewrite("tests.partners._sidebyside")
