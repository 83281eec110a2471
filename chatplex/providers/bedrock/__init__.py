"""AWS Bedrock's Converse API (its translation still lives in `chatplex.adapters`)."""
