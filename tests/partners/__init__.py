"""Each wire side by side with its LangChain partner package (langchain-groq,
langchain-google-genai, langchain-aws, ...): the same script run with the partner's class
and with chatplex's drop-in against one scripted server, compared field by field."""
