from django.urls import path

from . import two_factor, views

urlpatterns = [
    path("accounts/two-factor/", two_factor.two_factor, name="two_factor"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.notifications_bell, name="notifications_bell"),
]
