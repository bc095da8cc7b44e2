"""The command line: the only layer that touches the console, files and exit codes."""
