from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "precis.search"
    label = "search"
