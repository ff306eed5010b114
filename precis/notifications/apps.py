from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "precis.notifications"
    label = "notifications"
