from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide pages (home, about, random) and the shared templates and static files."""

    name = "precis.core"
    label = "core"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
