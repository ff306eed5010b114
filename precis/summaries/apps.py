from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SummariesConfig(AppConfig):
    name = "precis.summaries"
    label = "summaries"

    def ready(self):
        from .models import Summary, restate_after_delete, restate_after_save

        # Every save and delete of a summary, cascades included, restates its paper.
        post_save.connect(restate_after_save, sender=Summary, dispatch_uid="summary-standing")
        post_delete.connect(restate_after_delete, sender=Summary, dispatch_uid="summary-standing")
