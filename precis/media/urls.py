from django.urls import path, re_path

from . import views

app_name = "media"
urlpatterns = [
    path("img/<str:signature>/<str:encoded>", views.image, name="image"),
    path("figures/", views.figures, name="figures"),
    path("figures/<int:pk>/delete", views.delete_figure, name="delete_figure"),
    re_path(
        r"^figures/(?P<sha256>[0-9a-f]{64})\.(?P<extension>png|jpg|webp|svg)$",
        views.figure,
        name="figure",
    ),
]
