"""Fixtures for the codes service's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def cms_data() -> Path:
    """`../shared/data/cms` beside the repository: real official files for tests only.

    Missing outside CI skips the test; missing in CI (CI=true) fails it.
    """
    path = REPO.parent / "shared" / "data" / "cms"
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; CI must provide shared/ beside the clone")
        pytest.skip(f"{path} not found (real CMS files live in ../shared/data beside the repo)")
    return path
