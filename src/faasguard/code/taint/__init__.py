"""The taint engine: event data followed through a function's own code to dangerous calls."""
