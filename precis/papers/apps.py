from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "precis.papers"
    label = "papers"
