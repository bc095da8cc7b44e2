"""Code analyses at the edge of a function: what it talks to, what it hides, who calls it.

Built on the shared code layer (:func:`faasguard.code.codebase.codebase_for`): each file is
parsed once per scan, and the modules here only walk the trees it holds.

* :mod:`.facts`: one walk per file collects the facts every analysis here reads (calls with
  their arguments, string literals with the name they are stored under, imports, event fields).
* :mod:`.outbound`: TLS verification turned off, plain-HTTP URLs, the egress inventory.
* :mod:`.secrets`: hard-coded secrets in a function's own code.
* :mod:`.calls`: functions that invoke other functions of the application.
* :mod:`.validation`: handlers that use event fields without any validator.
* :mod:`.analyzer`: the :class:`~faasguard.engine.Analyzer` that turns them into findings.
"""
