from django.urls import path

from . import views

app_name = "summaries"
urlpatterns = [
    path("papers/<int:paper_id>/write", views.write, name="write"),
    path("papers/<int:paper_id>/draft", views.save_draft, name="save_draft"),
    path("papers/<int:paper_id>/draft/discard", views.discard_draft, name="discard_draft"),
    path("drafts/", views.drafts, name="drafts"),
    path("summaries/preview", views.preview, name="preview"),
    path("summaries/<int:pk>/", views.detail, name="detail"),
    path("summaries/<int:pk>/edit", views.edit, name="edit"),
    path("summaries/<int:pk>/history", views.history, name="history"),
    path("summaries/<int:pk>/history/<int:number>/restore", views.restore, name="restore"),
    path("summaries/<int:pk>/delete", views.delete, name="delete"),
    path("summaries/<int:pk>/confirm-version", views.confirm_version, name="confirm_version"),
    path("summaries/<int:pk>/undelete", views.undelete, name="undelete"),
    path("summaries/<int:pk>/vote", views.vote, name="vote"),
]
