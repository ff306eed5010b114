from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "precis.accounts"
    label = "accounts"

    def ready(self):
        from . import adapters  # noqa: F401  (connects the allauth signal receivers)
