"""What the reasoning tests share: a home with the seed graph built by `medcore kg build`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reasoning import main


@pytest.fixture
def built(home: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    capsys.readouterr()
    yield home
