from django.contrib import admin
from django.urls import include, path

from precis.api.urls import api_urls

urlpatterns = [
    *api_urls,
    # The pages read most first: Django tries these lists in turn, and walking past the
    # others cost a signed-in reader's cached page a tenth of its time. No address
    # matches patterns in two of them, so the order decides nothing else.
    path("", include("precis.core.urls")),
    path("", include("precis.papers.urls")),
    path("", include("precis.summaries.urls")),
    path("", include("precis.accounts.urls")),
    path("", include("precis.search.urls")),
    path("", include("precis.api.urls")),
    path("", include("precis.exports.urls")),
    path("", include("precis.media.urls")),
    path("", include("precis.importers.urls")),
    path("", include("precis.feeds.urls")),
    path("", include("precis.discussions.urls")),
    path("", include("precis.collections.urls")),
    path("", include("precis.notifications.urls")),
    path("", include("precis.moderation.urls")),
    path("", include("precis.foryou.urls")),
    path("", include("precis.findings.urls")),  # findings on papers (issue 13)
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "precis.core.errorpages.not_found"
handler500 = "precis.core.errorpages.server_error"
