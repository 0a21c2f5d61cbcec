"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered."""

import gc
import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def warm_up(**_kwargs: Any) -> None:
    """Load what the first task would otherwise load while it runs: the URL patterns (every email and
    notice links to a page), about 0.3 s of imports. The first sweep after a restart is the one with the
    backlog to catch up on. Before the pool starts: its processes are forked with them loaded.

    Then what is loaded is frozen out of the garbage collector's reach: the modules and objects of a
    loaded Django stay for the life of the process, yet each full collection walked all of them,
    some 50 ms that landed in the middle of whichever sweep happened to trigger it."""
    from django.urls import get_resolver

    get_resolver().namespace_dict  # noqa: B018 - imports the URL modules and indexes them for reverse()
    gc.collect()
    gc.freeze()
