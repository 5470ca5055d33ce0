"""The code is typed and linted: mypy and ruff run as part of the suite, with the project's config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", [["mypy"], ["ruff", "check", "."]], ids=["mypy", "ruff"])
def test_tool_is_clean(tool: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
