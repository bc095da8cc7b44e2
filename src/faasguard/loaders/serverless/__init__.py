"""The Serverless Framework loader: ``serverless.yml`` -> :class:`~faasguard.model.Application`.

See ``docs/loaders/serverless.md`` for what is read, how variables resolve and what stays
unknown.
"""

from faasguard.loaders.serverless.loader import ServerlessLoader

__all__ = ["ServerlessLoader"]
