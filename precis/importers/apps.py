from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "precis.importers"
    label = "importers"
