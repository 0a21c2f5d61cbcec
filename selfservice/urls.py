"""The public self-service pages (no login): the order page under /support/orders/, the customer's
own requests under /support/requests/, the help centre under /support/help/."""

from django.urls import path

from . import help_views, request_views, views

app_name = "selfservice"

urlpatterns = [
    path("orders/", views.lookup, name="lookup"),
    path("orders/code/", views.code, name="code"),
    path("orders/link/<str:token>/", views.link, name="link"),
    path("orders/<int:order_id>/", views.order_page, name="order"),
    path("orders/<int:order_id>/problem/", views.report_problem, name="problem"),
    path("orders/<int:order_id>/return/", views.request_return, name="return"),
    path("requests/start/", request_views.lookup, name="requests_lookup"),
    path("requests/code/", request_views.code, name="requests_code"),
    path("requests/link/<str:token>/", request_views.link, name="requests_link"),
    path("requests/", request_views.requests_list, name="requests"),
    path("requests/<int:ticket_id>/", request_views.request_detail, name="request"),
    path("requests/<int:ticket_id>/close/", request_views.request_close, name="request_close"),
    path("help/", help_views.help_centre, name="help"),
    path("help/search/", help_views.help_search, name="help_search"),
    path("help/<slug:slug>/", help_views.help_article, name="help_article"),
]
