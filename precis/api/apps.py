from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/, and personal API tokens."""

    name = "precis.api"
    label = "api"
