from django.apps import AppConfig


class ForYouConfig(AppConfig):
    name = "precis.foryou"
    label = "foryou"
    verbose_name = "A feed for you"

    def ready(self):
        from . import signals

        signals.connect()
