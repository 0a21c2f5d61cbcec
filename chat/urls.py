from django.urls import path

from . import api_views, console_views, widget_views

app_name = "chat"

urlpatterns = [
    path("w/<str:key>/", widget_views.widget, name="widget"),
    path("demo-shop/", widget_views.demo_shop, name="demo_shop"),
    path("api/<str:key>/status", api_views.status, name="api_status"),
    path("api/<str:key>/start", api_views.start, name="api_start"),
    path("api/<str:key>/conversation", api_views.conversation_view, name="api_conversation"),
    path("api/<str:key>/events", api_views.events, name="api_events"),
    path("api/<str:key>/messages", api_views.messages, name="api_messages"),
    path("api/<str:key>/read", api_views.read, name="api_read"),
    path("api/<str:key>/end", api_views.end, name="api_end"),
    path("api/<str:key>/email_me", api_views.email_me, name="api_email_me"),
    path("api/<str:key>/rating", api_views.rating, name="api_rating"),
    path("api/<str:key>/files/<int:pk>/", api_views.download, name="api_file"),
    path("console/", console_views.console, name="console"),
    path("console/accept/", console_views.accept, name="accept"),
    path("console/<int:pk>/accept/", console_views.accept, name="accept_one"),
    path("console/<int:pk>/transfer/", console_views.transfer, name="transfer"),
    path("console/<int:pk>/end/", console_views.end, name="end"),
]
