"""A worker loads the URL patterns when it starts, not during its first sweep."""

from __future__ import annotations

from celery.signals import worker_init
from django.urls import clear_url_caches, get_resolver

from helpdesk.celery import warm_up


def test_a_starting_worker_loads_the_url_patterns():
    assert warm_up in worker_init._live_receivers(None)  # run when the worker starts, before its pool
    clear_url_caches()  # a fresh resolver, as in a new process
    assert "url_patterns" not in vars(get_resolver())
    warm_up()
    assert "url_patterns" in vars(get_resolver())  # loaded (a cached property), not left to the first reverse()
