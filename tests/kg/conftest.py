"""What the linking tests share: a normalizer over the shipped seed, built once a module."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pytest

from ingest import build_seed
from kg import Normalizer, load_normalizer, load_settings, open_store


@pytest.fixture(scope="module")
def normalizer() -> Iterator[Normalizer]:
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as home:
        settings = load_settings(home=home)
        store = open_store(settings)
        try:
            build_seed(store)
            yield load_normalizer(store, settings)
        finally:
            store.close()
