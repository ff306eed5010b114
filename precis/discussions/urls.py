from django.urls import path

from . import views

app_name = "discussions"
urlpatterns = [
    path("summaries/<int:summary_id>/comments", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/", views.comment_detail, name="comment"),
    path("comments/<int:pk>/edit", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/history", views.comment_history, name="comment_history"),
    path("papers/<int:paper_id>/questions", views.ask, name="ask"),
    path("questions/", views.open_questions, name="open_questions"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/answers", views.answer_create, name="answer_create"),
    path("questions/<int:pk>/accept/<int:answer_id>", views.accept, name="accept"),
    path("questions/<int:pk>/delete", views.question_delete, name="question_delete"),
    path("answers/<int:pk>/vote", views.answer_vote, name="answer_vote"),
    path("answers/<int:pk>/delete", views.answer_delete, name="answer_delete"),
]
