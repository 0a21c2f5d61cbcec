"""The product's URLs and the floor: a bare agent page that runs one SELECT.

The floor goes through everything an agent's page goes through before its view (the session, the
user and agent profile, two-factor, the staff check) and then answers a few bytes from one query.
Each page's rate is stated against the floor's, measured in the same run on the same server."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from helpdesk.decorators import staff_view
from helpdesk.urls import handler404  # noqa: F401 - handler404 is read by Django
from helpdesk.urls import urlpatterns as product_urlpatterns
from tickets.models import Ticket


@staff_view()
def floor(request: HttpRequest) -> HttpResponse:
    newest = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    return HttpResponse(f"floor {newest}", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *product_urlpatterns]
