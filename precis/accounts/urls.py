from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/mute/", views.relation, name="relation"),
    path("users/", views.user_list, name="users"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/orcid-import/", views.import_orcid_works, name="orcid_import"),
    # Under /accounts/ with allauth's pages, which the page cache never keeps.
    path("accounts/outbox/", views.outbox, name="outbox"),
    path("accounts/welcome/", views.welcome, name="welcome"),
]
