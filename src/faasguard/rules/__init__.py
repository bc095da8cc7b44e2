"""Rules: metadata plus one pure ``check`` each, grouped in one module per family."""
