"""Writing the least-privilege fix back into templates (``faasguard permissions --fix``)."""
