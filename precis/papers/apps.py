from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "precis.papers"
    label = "papers"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from precis.notifications.models import Follow

        from . import demand

        post_save.connect(demand.follows_changed, sender=Follow, dispatch_uid="paper-followers")
        post_delete.connect(demand.follows_changed, sender=Follow, dispatch_uid="paper-followers")
