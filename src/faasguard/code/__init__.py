"""The code layer: every file of a function's own code, read and parsed once per scan.

Analyses of application code (taint flows, SDK calls for permissions, secrets, dependency
reachability) share :func:`faasguard.code.codebase.codebase_for`, so a handler is parsed once
however many of them read it. Nothing here imports or executes scanned code.
"""
