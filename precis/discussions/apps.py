from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "precis.discussions"
    label = "discussions"
    verbose_name = "Comments and questions"

    def ready(self):
        from precis.summaries.signals import credit_changed

        from . import reputation

        def recompute(sender, user_ids, **kwargs):
            reputation.recompute_reputation_soon(user_ids)

        credit_changed.connect(recompute, dispatch_uid="discussions.reputation", weak=False)
