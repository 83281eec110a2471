"""AWS Bedrock's Converse API (LangChain's `ChatBedrockConverse`, and `ChatBedrock` served
over Converse): the spec, the adapter (`adapter.py`: endpoint, region, SigV4 or API key),
request and response translation (`request.py` over `conversation.py`, `tool_config.py`,
`output_config.py`; `response.py`), credentials and signing through botocore
(`auth.py`), botocore's error classes (`errors.py`), the drop-in (`dropin.py`) and the
headers it sends as boto3 does (`sdk_headers.py`: User-Agent, `amz-sdk-request`,
`amz-sdk-invocation-id`). Its stream framing is AWS's event stream, decoded by
`eventstream.py`."""
