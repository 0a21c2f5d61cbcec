import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English unless a test signs in an agent of another language; a page in
    another language leaves its language active in the thread, so each test starts afresh."""
    translation.activate("en")
    yield
    translation.deactivate()
