"""faasguard: a security scanner for serverless (AWS Lambda) applications.

The package is layered so that data flows one way:
loaders -> model -> rules -> findings -> reporters, with only the CLI touching the console.
Importing it does no work: submodules are imported lazily by their users to keep the CLI fast.
"""

from faasguard._version import __version__

__all__ = ["__version__"]
