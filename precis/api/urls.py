from django.urls import path, re_path

from . import views
from .api import api

app_name = "apitokens"
urlpatterns = [
    path("settings/api-tokens/", views.create_token, name="create"),
    path("settings/api-tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke"),
]

# Mounted by precis/urls.py: the reference page first, then the API, then JSON 404s.
api_urls = [
    path("api/v1/docs", views.docs, name="api-docs"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>[\s\S]*)$", views.not_found),
]
