"""boto3's clients, as langchain-aws builds them for its classes' `client` (the
`bedrock-runtime` service) and `bedrock_client` (the `bedrock` control plane), for a
script's own use (`llm.bedrock_client.list_foundation_models()`); chatplex's calls go
through its own engine, never these.

A drop-in builds each on first read (`chatplex.langchain.sdk_clients`) from its
partner's fields: the region (else AWS_REGION, else AWS_DEFAULT_REGION), a profile
name, or keys (else boto3's own credential chain), the endpoint URL and a botocore
`config` with the model's `timeout` (connect and read) and `max_retries` (attempts)
over it, as langchain-aws builds them. Its user agent names
langchain-aws's framework, as the partner's clients do. Their modeled error classes
(`client.exceptions.ThrottlingException`) are those a drop-in's call raises. A Bedrock API key
(`bedrock_api_key`) reaches these clients only through AWS_BEARER_TOKEN_BEDROCK, which
botocore reads itself.
"""

from __future__ import annotations

import os
from typing import Any

from .errors import exceptions_factory

__all__ = ["control_client", "runtime_client"]

#: What langchain-aws adds to its clients' user agent.
_FRAMEWORK = "x-client-framework:langchain-aws"


def runtime_client(**fields: Any) -> Any:
    """The `bedrock-runtime` client (langchain-aws's `client`)."""
    return _client("bedrock-runtime", **fields)


def control_client(**fields: Any) -> Any:
    """The `bedrock` control-plane client (langchain-aws's `bedrock_client`)."""
    return _client("bedrock", **fields)


def _client(
    service: str,
    *,
    region_name: str | None = None,
    credentials_profile_name: str | None = None,
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
    aws_session_token: str | None = None,
    endpoint_url: str | None = None,
    config: Any = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> Any:
    import boto3
    from botocore.config import Config

    if credentials_profile_name:
        session = boto3.Session(profile_name=credentials_profile_name)
    else:
        # (None for each missing key: boto3's own credential chain then)
        session = boto3.Session(
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token,
        )
    # The error classes chatplex's calls raise are this factory's (`errors.exceptions_factory`).
    session._session._register_internal_component("exceptions_factory", exceptions_factory())
    bounds: dict[str, Any] = {}  # (only those set: botocore's defaults stay otherwise)
    if timeout is not None:
        bounds.update(connect_timeout=timeout, read_timeout=timeout)
    if max_retries is not None:
        bounds["retries"] = {"max_attempts": max_retries}
    merged = Config(**bounds) if config is None else config.merge(Config(**bounds))
    region = region_name or os.getenv("AWS_REGION") or os.getenv("AWS_DEFAULT_REGION")
    return session.client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        config=merged.merge(Config(user_agent_extra=_FRAMEWORK)),
    )
