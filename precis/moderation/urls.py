from django.urls import path

from . import trust_views, views, waiting_views

app_name = "moderation"
urlpatterns = [
    path("report/<slug:kind_name>/<int:pk>", views.report, name="report"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/bulk", views.bulk, name="bulk"),
    path("moderation/flags/<int:pk>", views.act, name="act"),
    path("moderation/items/<slug:kind_name>/<int:pk>", views.item, name="item"),
    path("moderation/log", views.log, name="log"),
    path("moderation/appeal/<slug:kind_name>/<int:pk>", views.appeal, name="appeal"),
    path("moderation/people/<str:username>/trust", trust_views.set_trust, name="trust"),
    path("moderation/requests", waiting_views.review, name="requests"),
    path("moderation/papers/<int:pk>/waiting", waiting_views.act, name="waiting"),
]
