"""Every operation of the OpenAPI schema, called with generated input by an agent of Europe and by a
store platform: no answer is a 500, and every answer is one the schema documents (status, content
type, headers, body). Schemathesis generates the calls from the schema the project serves; the run
is bounded (a fixed number of examples per operation, caller and kind of input) and derandomized,
so it is the same run every time and stays short. Valid input uses, half the time, ids of rows that
exist (ours and the other team's); invalid input breaks the schema on purpose and must be refused
with a documented 4xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import OrderFactory, make_platform

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 20  # per caller and kind of input; the run stays well under a minute on two cores
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Calls go to the WSGI application in this process and this test's transaction, as Django's
    test client does: the request signals must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _rows(actors, victim, own) -> dict[str, list[int]]:
    """Ids that exist, per resource: ours first, then the other team's (404 for our agent)."""
    order = OrderFactory(customer=actors.customer, currency="USD")
    return {
        "customers": [actors.customer.pk, victim.customer.pk],
        "orders": [order.pk, victim.order.pk],
        "tickets": [own.pk, victim.ticket.pk, victim.solved.pk],
        "attachments": [own.attachments.get().pk, victim.attachment.pk],
        "requests": [victim.pending.pk, victim.granted.pk],
    }


def _known_ids(path: str, rows: dict[str, list[int]]) -> dict[str, Any]:
    if "{ticket_pk}" in path:
        return {"ticket_pk": st.sampled_from(rows["tickets"])}
    if "{id}" in path:
        resource = next(name for name in rows if f"/{name}/{{id}}" in path)
        return {"id": st.sampled_from(rows[resource])}
    return {}


def _run(strategy: Any, key: str) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)

    call()


def test_every_operation_answers_as_the_schema_says_for_an_agent_and_a_platform(
    actors, victim, own, in_process_requests
):
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = get_wsgi_application()
    rows = _rows(actors, victim, own)
    callers = {
        "agent": Token.objects.create(user=actors.l1).key,
        "platform": Token.objects.create(user=make_platform()).key,
    }
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20  # the whole API: tickets, messages, customers, orders, attachments, policies
    for operation in operations:
        known = _known_ids(operation.path, rows)
        valid = operation.as_strategy()
        if known:
            valid = st.one_of(
                st.fixed_dictionaries(known).flatmap(lambda ids, op=operation: op.as_strategy(path_parameters=ids)),
                valid,
            )
        invalid = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        for caller, key in callers.items():
            for kind, strategy in (("valid", valid), ("invalid", invalid)):
                try:
                    _run(strategy, key)
                except (Exception, BaseExceptionGroup) as error:  # collected: one run reports every failure
                    failures.append(f"{caller} {operation.method.upper()} {operation.path} ({kind} input):\n{error}")
    assert not failures, "\n\n".join(failures)
