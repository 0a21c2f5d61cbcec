from django.urls import path

from . import two_factor, views

urlpatterns = [
    path("accounts/two-factor/", two_factor.two_factor, name="two_factor"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.notifications_bell, name="notifications_bell"),
    path("notifications/bell/menu/", views.notifications_menu, name="notifications_menu"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
