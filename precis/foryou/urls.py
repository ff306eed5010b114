from django.urls import path

from . import views

app_name = "foryou"
urlpatterns = [
    path("for-you/", views.page, name="page"),
    path("for-you/seeds", views.add_seed, name="add_seed"),
    path("for-you/seeds/<int:collection_id>/remove", views.remove_seed, name="remove_seed"),
    path("for-you/email", views.email_settings, name="email"),
    path("for-you/feed-address", views.new_feed_address, name="new_feed_address"),
    path("for-you/feed/<str:token>.atom", views.atom, name="atom"),
    path("for-you/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
