"""Reads compiled once per shape give what the queryset itself gives, for any values."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from helpdesk.prepared import Prepared
from tests.tickets.factories import CategoryFactory, CustomerFactory, TeamFactory, TicketFactory
from tickets.models import Category, Ticket

pytestmark = pytest.mark.django_db


def _by_team(team_id: int, status: str) -> object:
    return (
        Ticket.objects.select_related("customer", "team")
        .filter(team_id=team_id, status=status)
        .annotate(n=Count("messages"))
        .order_by("pk")
    )


def test_objects_match_the_queryset_for_every_value():
    teams = [TeamFactory(), TeamFactory()]
    for team in teams:
        for status in ("open", "new", "open"):
            TicketFactory(team=team, status=status, customer=CustomerFactory())
    prepared = Prepared(_by_team, team_id=int, status=str)
    for team in teams:
        for status in ("open", "new", "closed"):
            got = prepared.objects(team_id=team.pk, status=status)
            want = list(_by_team(team.pk, status))
            assert [t.pk for t in got] == [t.pk for t in want]
            for a, b in zip(got, want, strict=True):
                assert (a.customer.email, a.team.name, a.n, a.created_at) == (
                    b.customer.email,
                    b.team.name,
                    b.n,
                    b.created_at,
                )
                assert "customer" in a._state.fields_cache  # joined, not read again


def test_compiled_once_then_one_statement_per_call():
    team = TeamFactory()
    TicketFactory(team=team, status="open")
    calls = []

    def build(team_id: int) -> object:
        calls.append(team_id)
        return Ticket.objects.filter(team_id=team_id).values_list("pk", "created_at")

    prepared = Prepared(build, team_id=int)
    prepared.rows(team_id=team.pk)
    with CaptureQueriesContext(connection) as queries:
        rows = prepared.rows(team_id=team.pk)
    assert len(calls) == 1 and len(queries) == 1
    assert rows == [list(r) for r in Ticket.objects.filter(team_id=team.pk).values_list("pk", "created_at")]
    assert rows[0][1].tzinfo is not None  # the backend's converters applied


def test_lists_shapes_and_languages_are_kept_apart():
    tickets = [TicketFactory() for _ in range(3)]
    ids = [t.pk for t in tickets]
    by_ids = Prepared(lambda ids: Ticket.objects.filter(pk__in=ids).order_by("pk").values_list("pk"), ids=list)
    assert by_ids.rows(ids=ids[:1]) == [[ids[0]]]
    assert by_ids.rows(ids=ids) == [[pk] for pk in ids]

    def mine_or_all(shape: str, user_id: int) -> object:
        rows = Ticket.objects.order_by("pk").values_list("pk")
        return rows.filter(Q(assignee_id=user_id)) if shape == "mine" else rows

    prepared = Prepared(mine_or_all, user_id=int)
    assert prepared.rows(shape="all", user_id=1) == [[pk] for pk in ids]
    assert prepared.rows(shape="mine", user_id=-5) == []

    CategoryFactory(slug="prepared-apple", name_en="Apple", name_de="Zitrone")
    CategoryFactory(slug="prepared-zebra", name_en="Zebra", name_de="Affe")
    slugs = Prepared(lambda: Category.objects.order_by("name").values_list("slug"))  # by the language's column
    with translation.override("en"):
        english = [row[0] for row in slugs.rows()]
    with translation.override("de"):
        german = [row[0] for row in slugs.rows()]
    assert english.index("prepared-apple") < english.index("prepared-zebra")
    assert german.index("prepared-zebra") < german.index("prepared-apple")


def test_a_value_the_sql_would_not_carry_as_a_parameter_is_refused():
    def sliced(count: int) -> object:
        return Ticket.objects.values_list("pk")[:count]

    with pytest.raises(ValueError, match="written into the SQL"):
        Prepared(sliced, count=int).rows(count=3)
    with pytest.raises(TypeError):
        Prepared(lambda when: Ticket.objects.filter(created_at=when), when=float).rows(when=1.0)


def test_first_gives_the_first_instance_or_none():
    ticket = TicketFactory()
    one = Prepared(lambda pk: Ticket.objects.select_related("customer").filter(pk=pk)[:1], pk=int)
    found = one.first(pk=ticket.pk)
    assert found is not None and found.pk == ticket.pk and found.customer.pk == ticket.customer_id
    assert one.first(pk=ticket.pk + 1000) is None


def test_values_of_a_translated_model_are_read_in_the_order_asked_or_refused():
    category = CategoryFactory(name="Logistics", slug="logistics")
    Category.objects.filter(pk=category.pk).update(name_zh_hans="物流")
    plain = Prepared(
        lambda: Category.objects.rewrite(False).filter(slug="logistics").values_list("pk", "name_zh_hans", "name_en")
    )
    assert plain.rows() == [[category.pk, "物流", "Logistics"]]

    rewritten = Prepared(lambda: Category.objects.filter(slug="logistics").values_list("pk", "name"))
    with pytest.raises(ValueError, match="rewrite"):
        rewritten.rows()  # modeltranslation would pick the columns' order anew in each process


def test_dicts_and_times_read_as_the_values_queryset_does():
    team = TeamFactory()
    tickets = [TicketFactory(team=team, customer=CustomerFactory()) for _ in range(4)]
    middle = tickets[1].updated_at

    def since(when: object, team_id: int) -> object:
        return (
            Ticket.objects.filter(team_id=team_id, updated_at__gte=when)
            .order_by("pk")
            .values("pk", "subject", "customer__email", "facts", "updated_at")
        )

    prepared = Prepared(since, when=datetime, team_id=int)
    for when in (middle, tickets[0].updated_at - timedelta(days=1), middle + timedelta(days=365)):
        assert prepared.dicts(when=when, team_id=team.pk) == list(since(when, team.pk))
    with pytest.raises(ValueError, match="values"):
        Prepared(lambda team_id: Ticket.objects.filter(team_id=team_id), team_id=int).dicts(team_id=team.pk)


def test_a_read_run_often_is_kept_planned_by_postgresql_and_still_logged():
    team = TeamFactory()
    tickets = [TicketFactory(team=team) for _ in range(2)]
    prepared = Prepared(
        lambda team_id: Ticket.objects.filter(team_id=team_id).order_by("pk").values_list("pk"), team_id=int
    )

    def planned() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%tickets_ticket%"])
            return cursor.fetchone()[0]

    before = planned()
    for _ in range(8):  # psycopg prepares a statement once it has run a few times on the connection
        with CaptureQueriesContext(connection) as queries:
            assert prepared.rows(team_id=team.pk) == [[t.pk] for t in tickets]
        assert len(queries) == 1  # logged as Django logs its own statements, with its values
        assert "$1" not in queries[0]["sql"] and f"= {team.pk}" in queries[0]["sql"]
    assert planned() == before + 1
    assert prepared.rows(team_id=team.pk + 1000) == []  # the same plan, other values
