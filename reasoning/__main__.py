"""`python -m reasoning` is `medcore`."""

from reasoning.cli import run

run()
