from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "precis.papers"
    label = "papers"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_init, post_save, pre_delete

        from precis.notifications.models import Follow

        from . import demand

        post_save.connect(demand.follows_changed, sender=Follow, dispatch_uid="paper-followers")
        post_delete.connect(demand.follows_changed, sender=Follow, dispatch_uid="paper-followers")
        # Requests count only from accounts in good standing (precis.papers.demand).
        User = get_user_model()
        post_init.connect(demand.standing_loaded, sender=User, dispatch_uid="demand-loaded")
        post_save.connect(demand.standing_changed, sender=User, dispatch_uid="demand-standing")
        pre_delete.connect(demand.account_leaving, sender=User, dispatch_uid="demand-leaving")
        post_delete.connect(demand.account_left, sender=User, dispatch_uid="demand-left")
