"""A worker loads the URL patterns when it starts, not during its first sweep, and keeps what it has
loaded out of the garbage collector's full collections."""

from __future__ import annotations

import gc

from celery.signals import worker_init
from django.urls import clear_url_caches, get_resolver

from helpdesk.celery import warm_up


def test_a_starting_worker_loads_the_url_patterns():
    assert warm_up in worker_init._live_receivers(None)  # run when the worker starts, before its pool
    clear_url_caches()  # a fresh resolver, as in a new process
    assert not get_resolver()._populated
    try:
        warm_up()
        assert get_resolver()._populated  # ready for reverse(), not left to the sweep's first link
        assert gc.get_freeze_count() > 10_000  # Django and the product, no longer walked by each full collection
    finally:
        gc.unfreeze()
