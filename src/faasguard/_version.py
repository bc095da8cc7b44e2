"""The single source of the scanner's version (read by setuptools and ``--version``)."""

__version__ = "0.1.0"
