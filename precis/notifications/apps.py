from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "precis.notifications"
    label = "notifications"

    def ready(self):
        from precis.accounts.signals import blocked

        from . import services

        def unfollow_blocker(sender, who, whom, **kwargs):
            services.unfollow(follower=whom, user=who)

        blocked.connect(unfollow_blocker, dispatch_uid="notifications.unfollow", weak=False)
