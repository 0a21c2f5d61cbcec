from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    """A page served in another language leaves it active in the thread: each test starts in English."""
    translation.activate("en")
    yield
    translation.deactivate()
