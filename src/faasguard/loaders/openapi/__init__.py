"""OpenAPI/Swagger API bodies read for what API Gateway deploys from them (see ``spec``)."""

from faasguard.loaders.openapi.spec import ApiSpec, Operation, parse_spec

__all__ = ["ApiSpec", "Operation", "parse_spec"]
