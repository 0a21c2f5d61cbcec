"""The product's settings, served with one more page for the benchmarks: the floor (bench/urls.py)."""

from helpdesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
