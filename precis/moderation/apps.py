from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "precis.moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from precis.lib import screening

        from . import trust  # noqa: F401 - connects its sign-up receivers
        from .screening import ModerationScreener

        screening.register(ModerationScreener())
