from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("settings/export.json", views.export_json, name="json"),
    path("settings/export.zip", views.export_zip, name="zip"),
    path("settings/summaries.csv", views.summaries_csv, name="csv"),
    path("papers/<int:pk>/bibtex", views.paper_bibtex, name="paper_bibtex"),
    path("venues/<slug:key>/<int:year>/bibtex", views.venue_bibtex, name="venue_bibtex"),
    path("data/", views.data, name="data"),
    path("data/<str:name>/<str:file_name>", views.data_file, name="data_file"),
]
