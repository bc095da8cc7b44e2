"""Terraform: HCL root modules (with local modules and ``.tfvars``) and plan JSON."""

from faasguard.loaders.terraform.loader import TerraformLoader

__all__ = ["TerraformLoader"]
