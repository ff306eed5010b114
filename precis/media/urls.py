from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("img/<str:signature>/<str:encoded>", views.image, name="image"),
]
