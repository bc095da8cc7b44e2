"""The CloudFormation logical ids the Serverless Framework generates.

Rules and resources written by hand in ``resources:`` refer to what Serverless generates by these
ids (``!GetAtt HelloLambdaFunction.Arn``), and findings must name what the deployed stack will
contain. The rules mirror ``lib/plugins/aws/lib/naming.js``: ``getNormalizedFunctionName``
replaces ``-`` with ``Dash`` and ``_`` with ``Underscore`` and upper-cases the first letter.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEPLOYMENT_BUCKET_ID",
    "HTTP_API_ID",
    "REST_API_ID",
    "ROLE_ID",
    "WEBSOCKET_API_ID",
    "api_gateway_authorizer_id",
    "function_role_id",
    "generated_ids",
    "http_api_authorizer_id",
    "lambda_logical_id",
    "layer_logical_id",
    "normalized_function_name",
    "websocket_authorizer_id",
]

#: The execution role Serverless creates and every function shares by default.
ROLE_ID: Final = "IamRoleLambdaExecution"
#: The REST API (API Gateway v1) created for ``http`` events.
REST_API_ID: Final = "ApiGatewayRestApi"
#: The HTTP API (API Gateway v2) created for ``httpApi`` events.
HTTP_API_ID: Final = "HttpApi"
#: The WebSocket API created for ``websocket`` events.
WEBSOCKET_API_ID: Final = "WebsocketsApi"
DEPLOYMENT_BUCKET_ID: Final = "ServerlessDeploymentBucket"


def _upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def normalized_function_name(name: str) -> str:
    """Serverless's ``getNormalizedFunctionName``: ``hello-world`` -> ``HelloDashworld``."""
    return _upper_first(name.replace("-", "Dash").replace("_", "Underscore"))


def lambda_logical_id(name: str) -> str:
    """The logical id of the ``AWS::Lambda::Function`` generated for function ``name``."""
    return normalized_function_name(name) + "LambdaFunction"


def function_role_id(name: str) -> str:
    """The role id the serverless-iam-roles-per-function plugin generates for ``name``."""
    return normalized_function_name(name) + ROLE_ID


def api_gateway_authorizer_id(name: str) -> str:
    """The REST API authorizer generated for authorizer function ``name``."""
    return normalized_function_name(name) + "ApiGatewayAuthorizer"


def http_api_authorizer_id(name: str) -> str:
    """The HTTP API authorizer generated for ``provider.httpApi.authorizers.<name>``."""
    return "HttpApiAuthorizer" + normalized_function_name(name)


def websocket_authorizer_id(name: str) -> str:
    """The WebSocket authorizer generated for authorizer function ``name``."""
    return normalized_function_name(name) + "WebsocketsAuthorizer"


def layer_logical_id(name: str) -> str:
    """The logical id of the layer generated for ``layers.<name>``."""
    return normalized_function_name(name) + "LambdaLayer"


def generated_ids(function_names: list[str], layer_names: list[str]) -> frozenset[str]:
    """Every logical id Serverless generates that hand-written resources commonly reference."""
    ids = {ROLE_ID, REST_API_ID, HTTP_API_ID, WEBSOCKET_API_ID, DEPLOYMENT_BUCKET_ID}
    ids.update(layer_logical_id(name) for name in layer_names)
    for name in function_names:
        base = normalized_function_name(name)
        ids.update(
            {
                base + "LambdaFunction",
                base + "LogGroup",
                base + "LambdaFunctionUrl",
                base + ROLE_ID,
            }
        )
    return frozenset(ids)
