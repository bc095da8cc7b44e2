"""Where a setting lives in each template format, so remediations name the exact key to change.

A finding's remediation must tell the user what to write in *their* template. The same Lambda
setting is spelled differently in Serverless, SAM, CloudFormation, Terraform and CDK; rules of the
surface, availability, platform and sprawl families describe it once as a :class:`TemplateKey`
and pick the spelling for the application's format.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.model import AppFormat

__all__ = ["TemplateKey"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateKey:
    """One setting, spelled for each template format.

    Every format is a required keyword field, so a new setting cannot forget one.

    Attributes:
        serverless: the key in ``serverless.yml``.
        sam: the key in a SAM template.
        cloudformation: the key in a plain CloudFormation template.
        terraform: the argument or block in Terraform.
        cdk: the construct property in CDK.
        chalice: the setting in ``.chalice/config.json`` or ``app.py``; when not given, the
            remediation names the config file and the CloudFormation spelling of the setting.
        zappa: the setting in ``zappa_settings.json``; same fallback.
    """

    serverless: str
    sam: str
    cloudformation: str
    terraform: str
    cdk: str
    chalice: str | None = None
    zappa: str | None = None

    def for_format(self, fmt: AppFormat) -> str:
        """Return the spelling for ``fmt``.

        Args:
            fmt: the application's template format.

        Returns:
            The text naming the setting in that format.
        """
        match fmt:
            case AppFormat.SERVERLESS:
                return self.serverless
            case AppFormat.SAM:
                return self.sam
            case AppFormat.CLOUDFORMATION:
                return self.cloudformation
            case AppFormat.TERRAFORM:
                return self.terraform
            case AppFormat.CDK:
                return self.cdk
            case AppFormat.CHALICE:
                return self.chalice or (
                    "the matching setting in `.chalice/config.json` (the stage, or its "
                    "`lambda_functions.<name>`) or on the decorator in `app.py` "
                    f"(CloudFormation: {self.cloudformation})"
                )
            case AppFormat.ZAPPA:
                return self.zappa or (
                    "the matching setting of the stage in `zappa_settings.json` "
                    f"(CloudFormation: {self.cloudformation})"
                )
