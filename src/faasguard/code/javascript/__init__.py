"""The JavaScript and TypeScript front-end of the code analysis.

tree-sitter trees (parsed once per scan by :mod:`faasguard.code.codebase`) are lowered into the
language-neutral IR of :mod:`faasguard.code.ir`; the taint engine never sees JavaScript syntax.
"""
