from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "precis.collections"
    label = "collections"
    verbose_name = "Collections"
