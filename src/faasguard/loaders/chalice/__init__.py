"""The AWS Chalice loader (``.chalice/config.json`` and a statically read ``app.py``)."""

from faasguard.loaders.chalice.loader import ChaliceLoader

__all__ = ["ChaliceLoader"]
