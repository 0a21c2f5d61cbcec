"""The OpenAPI schema generates cleanly and the Swagger UI works offline."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_with_no_warnings_or_errors(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning (a guessed type, a name collision) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in (
        "/api/v1/customers/",
        "/api/v1/orders/",
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/",
        "/api/v1/tickets/{id}/facts/",
        "/api/v1/tickets/{ticket_pk}/messages/",
        "/api/v1/attachments/{id}/",
        "/api/v1/attachments/{id}/download/",
    ):
        assert path in paths
    assert "put" not in paths["/api/v1/tickets/{id}/"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tickets/" in response.content


def test_swagger_ui_is_served_from_the_sidecar_not_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    bundle = next(s for s in sources if s.endswith("swagger-ui-bundle.js"))
    assert "drf_spectacular_sidecar" in bundle
    assert client.get(bundle).status_code == 200


@pytest.fixture
def schema(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_order_total_is_documented_as_the_decimal_string_it_is(schema, actors):
    from rest_framework.test import APIClient

    from tests.factories import OrderFactory, make_platform

    total = schema["components"]["schemas"]["Order"]["properties"]["total"]
    assert total["type"] == "string" and total["format"] == "decimal"
    order = OrderFactory(customer=actors.customer, currency="EUR", total="19.9")
    api = APIClient()
    api.force_authenticate(make_platform())
    assert api.get(f"/api/v1/orders/{order.pk}/").json()["total"] == "19.90"


def test_every_operation_documents_its_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if method in ("post", "patch", "put"):
                assert {"400", "404", "409", "413"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            for code in codes - {"200", "201"}:
                content = operation["responses"][code]["content"]
                assert "application/json" in content, (method, path, code)


def test_values_that_can_be_null_are_documented_as_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["CompensationRequest"]["properties"]["decided_by"]["nullable"] is True
    reason = components["CompensationRequest"]["properties"]["reason"]
    enums = [_resolve(schema, option).get("enum", []) for option in reason.get("oneOf", [reason])]
    assert any("" in values for values in enums)  # a request without a reason answers ""
    ticket = components["TicketDetail"]["properties"]
    for name in ("category", "assignee", "order", "follow_up_of", "merged_into", "solved_at", "closed_at"):
        assert ticket[name].get("nullable") or any(
            option.get("nullable") for option in ticket[name].get("allOf", []) + ticket[name].get("oneOf", [])
        ), name


def test_ids_in_paths_are_documented_as_positive(schema):
    parameter = schema["paths"]["/api/v1/tickets/{id}/"]["get"]["parameters"][0]
    assert parameter["schema"]["minimum"] == 1


def test_an_api_url_that_matches_no_route_answers_json_and_pages_keep_their_404(client):
    for url in ("/api/v1/tickets/1.5/", "/api/v1/tickets/-3/messages/", "/api/v1/nothing-here/"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
        assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
