"""Lazy boto3/botocore access shared by the KMS keyring and the DynamoDB backend."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

AWS_EXTRA_HINT = "pip install faasguard-runtime[aws]"


def boto3_client(service: str, *, purpose: str) -> Any:
    """Create a default boto3 client for ``service``.

    Raises:
        ImportError: boto3 is missing; the message names the extra to install.
    """
    try:
        boto3 = importlib.import_module("boto3")
    except ImportError as exc:
        raise ImportError(f"boto3 is required for {purpose}: {AWS_EXTRA_HINT}") from exc
    return boto3.client(service)


def aws_errors() -> tuple[type[BaseException], ...]:
    """Return botocore's service and transport error classes (empty without botocore)."""
    try:
        exceptions = importlib.import_module("botocore.exceptions")
    except ImportError:
        return ()
    return (exceptions.ClientError, exceptions.BotoCoreError)


def aws_error_code(exc: BaseException) -> str:
    """Return the AWS error code (``AccessDeniedException``) or the exception's class name."""
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error")
        if isinstance(error, Mapping) and error.get("Code"):
            return str(error["Code"])
    return type(exc).__name__
