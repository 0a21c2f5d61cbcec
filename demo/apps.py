from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the commands that load it; no models. Sits above every product app."""

    name = "demo"
    verbose_name = "Demo data"
