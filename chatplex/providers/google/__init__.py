"""Google's Gemini API and Vertex AI (their translation still lives in
`chatplex.adapters`)."""
