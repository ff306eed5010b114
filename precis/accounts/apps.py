from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "precis.accounts"
    label = "accounts"
