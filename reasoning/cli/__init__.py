"""The `medcore` command line: one module per command group, each command a thin wrapper
over a library function. `main(argv)` returns the exit code."""

from reasoning.cli.main import app, main, run

__all__ = ["app", "main", "run"]
