from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "precis.summaries"
    label = "summaries"
