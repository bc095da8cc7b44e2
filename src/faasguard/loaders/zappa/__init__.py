"""The Zappa loader (``zappa_settings.json``/``.yml``: one function per stage)."""

from faasguard.loaders.zappa.loader import ZappaLoader

__all__ = ["ZappaLoader"]
