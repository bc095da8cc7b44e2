"""One entry of ``functions:`` -> model :class:`~faasguard.model.Function`.

Serverless inherits most settings from ``provider`` unless the function sets them: runtime,
memory, timeout, layers, VPC, tracing, log retention and architecture are *replaced* by the
function's value; environment variables and tags are *merged*, the function winning. Platform
defaults Serverless applies on its own (1024 MB, 6 s, its default runtime) are not filled in:
``None`` means "not set in the template", and rules know the platform defaults.

The code root is the service directory (the folder of ``serverless.yml``), or ``module`` when a
function sets it (serverless-python-requirements); handler files are found with the shared
:func:`~faasguard.loaders.handlers.resolve_handler`. Package patterns and the plugin's
requirements file come from :mod:`.packaging`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faasguard.errors import LoadError
from faasguard.loaders.cloudformation.intrinsics import render
from faasguard.loaders.handlers import find_manifests, resolve_handler
from faasguard.loaders.interface import IssueKind, issue_from_error
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.events import http_cors
from faasguard.loaders.serverless.naming import lambda_logical_id
from faasguard.loaders.serverless.packaging import Packaging
from faasguard.loaders.serverless.values import EMPTY, as_bool, as_int, as_map, as_text
from faasguard.model import (
    AuthKind,
    EnvVar,
    Function,
    FunctionUrl,
    Location,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

__all__ = ["FunctionBuilder"]


class FunctionBuilder:
    """Builds the functions of one service (caching per-folder lookups across functions).

    Args:
        ctx: the load context.
        application: the service name.
        stage: the resolved stage, for the default function and log group names.
    """

    def __init__(self, ctx: Context, *, application: str, stage: str | None) -> None:
        self.ctx = ctx
        self.application = application
        self.stage = stage
        self._manifests: dict[str, tuple[str, ...]] = {}
        self._packaging = Packaging(ctx)

    def build(
        self,
        name: str,
        config: Any,
        *,
        location: Location,
        role: str | None,
        triggers: list[Trigger],
        referenced_by: tuple[str, ...],
    ) -> Function:
        """Return the model of function ``name``.

        Args:
            name: the key under ``functions:``.
            config: its resolved configuration (a mapping, or an Unknown).
            location: where the key is written.
            role: the id of the role it assumes.
            triggers: its event triggers (a function URL trigger is added here).
            referenced_by: resources whose properties refer to it.
        """
        ctx = self.ctx
        unknown = config if isinstance(config, Unknown) else None
        if unknown is not None:
            ctx.issue(
                IssueKind.UNRESOLVED,
                f"function {name!r} cannot be resolved statically ({unknown.reason}); only "
                "provider settings are known",
                location,
            )
        fn = as_map(config)
        provider = ctx.provider

        def pick(key: str) -> Any:
            value = fn.get(key)
            return value if value is not None else provider.get(key)

        image = fn.get("image")
        # A container image brings its own runtime; Serverless ignores provider.runtime for it.
        runtime = ctx.text(pick("runtime") if image is None else fn.get("runtime"))
        handler = unknown or ctx.text(fn.get("handler"))
        code_root = self._code_root(fn)
        handler_file = handler_function = None
        if isinstance(handler, str):
            handler_file, handler_function = resolve_handler(
                ctx.fs,
                code_root=code_root,
                handler=handler,
                runtime=runtime if isinstance(runtime, str) else None,
            )
        url, url_trigger = self._url(fn)
        architecture = ctx.text(pick("architecture"))
        return Function(
            name=name,
            application=self.application,
            location=location,
            resource_id=lambda_logical_id(name),
            runtime=runtime,
            handler=handler,
            handler_file=handler_file,
            handler_function=handler_function,
            code_root=code_root,
            package_type="Image" if image is not None else "Zip",
            image_uri=self._image(image) if image is not None else None,
            memory=as_int(ctx.resolve_cfn(pick("memorySize"))),
            timeout=as_int(ctx.resolve_cfn(pick("timeout"))),
            reserved_concurrency=as_int(ctx.resolve_cfn(fn.get("reservedConcurrency"))),
            environment=self._environment(fn),
            layers=ctx.text_items(pick("layers")),
            url=url,
            tracing=self._tracing(fn),
            kms_key_arn=ctx.text(pick("kmsKeyArn")),
            log_retention_days=as_int(ctx.resolve_cfn(pick("logRetentionInDays"))),
            log_group=self._log_group(name, fn),
            dead_letter=ctx.text(fn.get("onError")),
            on_failure=self._on_failure(fn),
            vpc=_vpc(ctx, pick("vpc")),
            tags=self._tags(fn),
            description=ctx.text(fn.get("description")),
            triggers=(*triggers, url_trigger) if url_trigger else tuple(triggers),
            role=role,
            architectures=(architecture,) if isinstance(architecture, str) else (),
            dependency_manifests=self._find_manifests(code_root, runtime),
            package_patterns=self._packaging.patterns(name, fn),
            referenced_by=referenced_by,
        )

    # -- code -----------------------------------------------------------------------------------

    def _code_root(self, fn: Mapping[str, Any]) -> str:
        module = fn.get("module")
        if not isinstance(module, str) or not module.strip("./"):
            return self.ctx.root
        try:
            return self.ctx.fs.join(
                self.ctx.root,
                module,
                referrer=self.ctx.variables.file_of(fn),
                line=self.ctx.loc(fn, "module").line,
            )
        except LoadError as exc:
            self.ctx.issues.append(issue_from_error(exc))
            return self.ctx.root

    def _find_manifests(self, code_root: str, runtime: str | Unknown | None) -> tuple[str, ...]:
        """The manifests under the code root, and the plugin's requirements file when it is set."""
        if code_root not in self._manifests:
            self._manifests[code_root] = find_manifests(self.ctx.fs, code_root)
        found = self._manifests[code_root]
        requirements = self._packaging.requirements_file(code_root, runtime)
        if requirements is None or requirements in found:
            return found
        return tuple(sorted((*found, requirements)))

    def _image(self, image: Any) -> str | Unknown | None:
        """``image: <uri>``, ``image: {uri}`` or ``image: {name}`` (built from provider.ecr)."""
        if not isinstance(image, dict):
            return self.ctx.text(image)
        if image.get("uri") is not None:
            return self.ctx.text(image.get("uri"))
        name = as_text(image.get("name"))
        images = as_map(as_map(self.ctx.provider.get("ecr")).get("images"))
        built = as_map(images.get(name)) if isinstance(name, str) else EMPTY
        if built.get("uri") is not None:
            return self.ctx.text(built.get("uri"))
        return Unknown(f"image {render(image.get('name'))}", "image built at deploy time")

    # -- settings -------------------------------------------------------------------------------

    def _environment(self, fn: Mapping[str, Any]) -> tuple[EnvVar, ...]:
        """provider.environment merged with the function's; the function wins."""
        ctx = self.ctx
        merged: dict[str, EnvVar] = {}
        for origin, owner in (("provider", ctx.provider), ("function", fn)):
            block = owner.get("environment")
            if block is None:
                continue
            if not isinstance(block, dict):
                reason = block.reason if isinstance(block, Unknown) else "not a mapping"
                ctx.issue(
                    IssueKind.UNRESOLVED,
                    f"{origin} environment cannot be resolved statically ({reason}); its "
                    "variables are not known",
                    ctx.loc(owner, "environment"),
                )
                continue
            for key, value in block.items():
                merged.pop(key, None)
                merged[key] = self._env_var(block, key, value, origin)
        return tuple(merged.values())

    def _env_var(self, block: Mapping[str, Any], key: str, value: Any, origin: str) -> EnvVar:
        ctx = self.ctx
        raw = ctx.variables.raw_text(block, key)
        if raw is None and isinstance(value, dict):
            raw = render(value)
        text = ctx.text(value)
        return EnvVar(
            name=key,
            value=text if text is not None else "",
            location=ctx.loc(block, key),
            origin=origin,
            raw=raw,
        )

    def _url(self, fn: Mapping[str, Any]) -> tuple[FunctionUrl | None, Trigger | None]:
        """``url: true`` or ``url: {authorizer: aws_iam, cors, invokeMode}``."""
        ctx = self.ctx
        value = fn.get("url")
        if value is None or value is False or as_bool(value) is False:
            return None, None
        location = ctx.loc(fn, "url")
        config = as_map(value)
        auth_type: str | Unknown
        if isinstance(value, Unknown):
            auth_type = value
        else:
            authorizer = ctx.text(config.get("authorizer"))
            if authorizer is None:
                auth_type = "NONE"
            elif isinstance(authorizer, str) and authorizer.lower() == "aws_iam":
                auth_type = "AWS_IAM"
            else:
                auth_type = Unknown(render(authorizer), "unsupported URL authorizer")
        cors = http_cors(ctx, config, "cors", "allowedOrigins")
        url = FunctionUrl(
            auth_type=auth_type,
            location=location,
            cors=cors,
            invoke_mode=ctx.text(config.get("invokeMode")),
        )
        auth = {"NONE": AuthKind.NONE, "AWS_IAM": AuthKind.IAM}.get(
            auth_type if isinstance(auth_type, str) else "", AuthKind.UNKNOWN
        )
        trigger = Trigger(
            kind=TriggerKind.FUNCTION_URL,
            location=location,
            auth=auth,
            internet_reachable=True,
            cors=cors,
        )
        return url, trigger

    def _tracing(self, fn: Mapping[str, Any]) -> str | Unknown | None:
        """``tracing:`` of the function, else ``provider.tracing.lambda``."""
        ctx = self.ctx
        value = ctx.resolve_cfn(fn.get("tracing"))
        if value is None or value is False:
            tracing = ctx.provider.get("tracing")
            value = tracing if isinstance(tracing, Unknown) else as_map(tracing).get("lambda")
            value = ctx.resolve_cfn(value)
        flag = as_bool(value) if not isinstance(value, Unknown) else None
        if value is True or flag is True:
            return "Active"
        if value is None or value is False or flag is False:
            return None
        return as_text(value)

    def _log_group(self, name: str, fn: Mapping[str, Any]) -> str | None:
        if as_bool(fn.get("disableLogs")) is True:
            return None
        physical = fn.get("name")
        if isinstance(physical, str):
            return f"/aws/lambda/{physical}"
        if physical is None and self.stage is not None:
            return f"/aws/lambda/{self.application}-{self.stage}-{name}"
        return None

    def _on_failure(self, fn: Mapping[str, Any]) -> str | Unknown | None:
        target = as_map(fn.get("destinations")).get("onFailure")
        if isinstance(target, dict) and "arn" in target:
            target = target.get("arn")
        return self.ctx.text(target)

    def _tags(self, fn: Mapping[str, Any]) -> dict[str, str | Unknown]:
        ctx = self.ctx
        tags: dict[str, str | Unknown] = {}
        for block in (ctx.provider.get("tags"), fn.get("tags")):
            for key, value in as_map(block).items():
                text = ctx.text(value)
                if text is not None:
                    tags[str(key)] = text
        return tags


def _vpc(ctx: Context, value: Any) -> Vpc | None:
    """A VPC attachment; one that cannot be resolved is attached with unknown ids."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        return Vpc((value,), (value,))
    config = as_map(value)
    return Vpc(
        subnet_ids=ctx.text_items(config.get("subnetIds")),
        security_group_ids=ctx.text_items(config.get("securityGroupIds")),
    )
