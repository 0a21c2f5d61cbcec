"""The websocket routes of the ASGI application (settings.WEBSOCKET_URLCONFS)."""

from django.urls import path

from .consumer import LiveConsumer

websocket_urlpatterns = [path("ws/live/", LiveConsumer.as_asgi())]
