from django.apps import AppConfig
from django.db.models.signals import post_save


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/, and personal API tokens."""

    name = "precis.api"
    label = "api"

    def ready(self):
        from precis.summaries.models import Summary

        from .services import new_lookup_generation

        # Any saved summary (text, visibility, votes, deletion) may change a lookup answer.
        post_save.connect(
            new_lookup_generation, sender=Summary, dispatch_uid="api-lookup-generation"
        )
