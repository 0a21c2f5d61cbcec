"""Ready actors and settings for every test: real PostgreSQL, eager Celery, in-memory email."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import time_machine
from celery.result import allow_join_result
from django.utils import timezone, translation

from helpdesk import roles
from tests.browser import browser, new_page, page  # noqa: F401  (shared browser fixtures)
from tests.factories import CategoryFactory, CategoryFieldFactory, CustomerFactory, TeamFactory, make_staff


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for tests only
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TWO_FACTOR_REQUIRED = False  # the security tests turn it on
    settings.AXES_ENABLED = False  # likewise: many tests sign in with wrong passwords on purpose
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    # Every test starts in the default language and time zone, as a new request or task does: a page
    # a test opened (in Japanese, for an agent in Tokyo) would otherwise change what the next one reads.
    translation.deactivate()
    timezone.deactivate()
    # Celery marks "inside a task" in one flag for the whole process while an eager task runs, and
    # puts back what it found: two threads running eager tasks at once (a live server's) can leave it
    # set, and every later `.get()` would then refuse. Each test starts with it clear.
    with allow_join_result():
        yield
    translation.deactivate()
    timezone.deactivate()
    app.conf.task_always_eager = False


# Rows that data migrations create. A transactional test (live server, real threads, a real
# worker) ends by emptying every table, so they are put back before any test that needs them.
# This is the one place the tests seed from: app conftests do not repeat it.
SEED_MIGRATIONS = [
    ("tickets.migrations.0004_default_sla_and_shifts", "seed"),
    ("policies.migrations.0002_seed_tiers", "seed_tiers"),
    ("logistics.migrations.0002_seed_carriers_and_rules", "seed"),
    ("logistics.migrations.0004_seed_exception_codes", "seed"),
    ("feedback.migrations.0002_seed_survey_texts", "seed"),
    ("feedback.migrations.0003_survey_email_asks_to_confirm", "update_intro"),
]


def restore_seed_data() -> None:
    import importlib

    from django.apps import apps

    roles.ensure_groups()
    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _seed_data(request):
    """Put the migrations' rows back if a transactional test before this one flushed them."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("django_db_setup")
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        if not Group.objects.filter(name=roles.AGENT_GROUP).exists():
            restore_seed_data()


@pytest.fixture
def clock_start() -> datetime:
    """Where `clock` stands; a folder's conftest (or a test module) names its own moment."""
    return datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(clock_start):
    """Time stands still at `clock_start` until the test moves it (`clock.move_to`, `clock.shift`)."""
    with time_machine.travel(clock_start, tick=False) as traveller:
        yield traveller


@pytest.fixture
def teams(db):
    return SimpleNamespace(
        europe=TeamFactory(name="Europe", slug="europe", countries=["DE", "FR", "ES", "GB"]),
        america=TeamFactory(name="North America", slug="north-america", countries=["US", "CA"]),
        asia=TeamFactory(name="Asia", slug="asia", countries=["CN", "JP"], is_default=True),
    )


@pytest.fixture
def actors(teams):
    """L1, L2, L3 agents and a supervisor of Europe, an agent of another team, an admin, a customer."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin", "admin@helpdesk.test", "pw")
    return SimpleNamespace(
        l1=make_staff(team=teams.europe, tier="L1", username="l1", languages=["en", "de"]),
        l2=make_staff(team=teams.europe, tier="L2", username="l2", languages=["en", "fr"]),
        l3=make_staff(team=teams.europe, tier="L3", username="l3", languages=["en", "es"]),
        supervisor=make_staff(team=teams.europe, tier="L3", group=roles.SUPERVISOR_GROUP, username="super"),
        other_team_agent=make_staff(team=teams.america, tier="L2", username="other"),
        admin=admin,
        customer=CustomerFactory(name="Lena Schmidt", email="lena@example.de", language="de", country="DE"),
    )


@pytest.fixture
def categories(db):
    logistics = CategoryFactory(slug="logistics", name="Logistics", kind="complaint")
    CategoryFieldFactory(category=logistics, key="tracking_number", label="Tracking number")
    CategoryFieldFactory(category=logistics, key="ship_date", label="Ship date", field_type="date")
    CategoryFieldFactory(
        category=logistics, key="destination_country", label="Destination country", field_type="country"
    )
    product = CategoryFactory(slug="product", name="Product", kind="complaint")
    CategoryFieldFactory(category=product, key="order_number", label="Order number")
    CategoryFieldFactory(category=product, key="photos", label="Photos", field_type="image")
    other = CategoryFactory(slug="other", name="Other", kind="inquiry")
    return SimpleNamespace(logistics=logistics, product=product, other=other)


@pytest.fixture
def other_threads_connections_ended():
    """Consumers read the database from asgiref's worker threads, whose connections outlive a test
    and would hold the test database open at the end of the run: a test using them ends them."""
    yield
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
