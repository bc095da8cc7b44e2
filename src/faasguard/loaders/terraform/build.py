"""Turn loaded Terraform resources into the function-centric model.

The rules read CloudFormation-shaped resources (``AWS::SQS::Queue`` with ``VisibilityTimeout``);
Terraform's data stores are translated to that shape (:mod:`.stores`), so every rule family
works unchanged, while functions, roles, triggers and APIs are built straight into the model.
Resource ids are Terraform addresses, so findings name what the user wrote. Each part has its
module; this one runs them in order.
"""

from __future__ import annotations

from dataclasses import replace

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadIssue
from faasguard.loaders.terraform.apis import build_apis
from faasguard.loaders.terraform.draft import Draft
from faasguard.loaders.terraform.functions import build_function
from faasguard.loaders.terraform.lambda_module import build_lambda_module
from faasguard.loaders.terraform.modules import Project
from faasguard.loaders.terraform.resources import (
    attach_log_groups,
    build_layers_and_aliases,
    record_references,
)
from faasguard.loaders.terraform.roles import build_roles
from faasguard.loaders.terraform.stores import build_stores
from faasguard.loaders.terraform.triggers import attach_permissions, attach_triggers
from faasguard.model import AppFormat, Application, AuthKind, Unknown

__all__ = ["build_application"]


def build_application(
    project: Project, fs: ScanFS, *, name: str, file: str, fmt: AppFormat = AppFormat.TERRAFORM
) -> tuple[Application, list[LoadIssue]]:
    """Build the application of one root module (or plan)."""
    draft = Draft(project, fs, {item.address: item for item in project.items})
    for item in draft.of_type("aws_lambda_function"):
        draft.functions[item.address] = build_function(draft, item, name)
    for call in project.lambda_modules:
        build_lambda_module(draft, call, name)
    build_roles(draft)
    attach_triggers(draft)
    build_apis(draft)
    attach_permissions(draft)
    _drop_vague_routes(draft)
    attach_log_groups(draft)
    build_layers_and_aliases(draft)
    record_references(draft)
    build_stores(draft)
    roles = tuple(draft.roles.values())
    app = Application(
        name=name,
        format=fmt,
        file=file,
        root=project.root or ".",
        region=project.region if isinstance(project.region, (str, Unknown)) else None,
        functions=tuple(draft.functions.values()),
        roles=roles,
        apis=tuple(draft.apis.values()),
        resources=tuple(draft.resources),
    )
    return app, draft.issues


def _drop_vague_routes(draft: Draft) -> None:
    """A permission's "some route of some API" goes once the API's routes are known.

    A lambda module's ``allowed_triggers`` for API Gateway is read before the APIs; as in the
    CloudFormation loader, a precise route makes the vague permission trigger redundant.
    """
    for key, fn in draft.functions.items():
        precise = [t for t in fn.triggers if t.kind.is_http and "Permission" not in t.properties]
        if not precise:
            continue
        kept = tuple(
            t
            for t in fn.triggers
            if not (t.kind.is_http and "Permission" in t.properties and t.auth is AuthKind.UNKNOWN)
        )
        if kept != fn.triggers:
            draft.functions[key] = replace(fn, triggers=kept)
