"""The public self-service pages, under /support/orders/ (no login)."""

from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("code/", views.code, name="code"),
    path("link/<str:token>/", views.link, name="link"),
    path("<int:order_id>/", views.order_page, name="order"),
    path("<int:order_id>/problem/", views.report_problem, name="problem"),
    path("<int:order_id>/return/", views.request_return, name="return"),
]
