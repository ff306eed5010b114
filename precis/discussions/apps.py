from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "precis.discussions"
    label = "discussions"
    verbose_name = "Comments and questions"
