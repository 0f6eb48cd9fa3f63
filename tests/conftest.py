"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return ../shared/data beside the checkout, skipping the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real ballot data not found at {SHARED_DATA} (clone beside ../shared)")
    return SHARED_DATA
