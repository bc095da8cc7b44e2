"""The Python front-end: :mod:`ast` trees lowered to :mod:`faasguard.code.ir`."""
