"""Knowledge about libraries, as data: sources, sinks, sanitizers and summaries per language.

One module per language holds its rows (``python.py``, ``javascript.py``); ``events.py`` holds
which event fields each trigger kind lets an attacker control (the same JSON for every
language). The taint engine reads rows through :func:`faasguard.code.models.registry.models_for`.
"""
