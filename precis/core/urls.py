from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("conduct/", views.conduct, name="conduct"),
    path("random", views.random_summary, name="random"),
    path("favicon.ico", views.favicon, name="favicon"),
]
