"""The command line: check, eval and serve."""
