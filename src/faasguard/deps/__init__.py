"""Dependency analysis: manifests and lockfiles in, resolved third-party packages out."""
