"""The ASGI application: Django for HTTP, Channels for the live workspace's websockets.

The project package names no app: the websocket routes come from the modules named by
`settings.WEBSOCKET_URLCONFS` (the agents' live pages, the chat widget), imported by name once
Django is set up. Every route is served to pages of this site's own origin only: the widget runs in
a frame served from here, whatever shop embeds it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
# Set Django up (apps, settings) before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from helpdesk.asgi_limits import BodySizeLimit, RequestGate  # noqa: E402

websocket_urlpatterns = [
    route for module in settings.WEBSOCKET_URLCONFS for route in import_string(f"{module}.websocket_urlpatterns")
]

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimit(RequestGate(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
