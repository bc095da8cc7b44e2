"""The SAM / CloudFormation / CDK-output loader (``cloudformation``).

Modules: :mod:`.loader` (the :class:`CloudFormationLoader`), :mod:`.intrinsics` (the resolver),
:mod:`.sam` and :mod:`.sam_globals` (``AWS::Serverless::*``), :mod:`.lambda_` (plain
``AWS::Lambda::Function``), :mod:`.iam` (roles, policies, SAM policy templates), :mod:`.events`
(SAM events), :mod:`.apis` (API Gateway), :mod:`.attachments` (URLs, permissions, mappings and
log groups that attach to a function) and :mod:`.resources` (the public ``Resources`` helper).
"""

from faasguard.loaders.cloudformation.loader import CloudFormationLoader

__all__ = ["CloudFormationLoader"]
