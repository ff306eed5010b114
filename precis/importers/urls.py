from django.urls import path

from . import views

app_name = "importers"
urlpatterns = [
    path("papers/add", views.add_paper, name="add"),
    path("papers/add/candidate", views.import_candidate, name="candidate"),
]
