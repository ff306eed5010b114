from django.urls import path

from . import request_views, views

app_name = "papers"
urlpatterns = [
    path("papers/<int:pk>/", views.paper_by_id, name="by_id"),
    path("papers/<int:pk>/<slug:slug>/", views.paper_detail, name="detail"),
    path("papers/<int:pk>/request", views.request_summary, name="request_summary"),
    path("papers/<int:pk>/claim", request_views.claim, name="claim"),
    path("requests/", request_views.requests_list, name="requests"),
    path("arxiv/<path:value>", views.by_identifier, {"scheme": "arxiv"}, name="arxiv"),
    path("doi/<path:value>", views.by_identifier, {"scheme": "doi"}, name="doi"),
    path("dblp/<path:value>", views.by_identifier, {"scheme": "dblp"}, name="dblp"),
    path("paper", views.by_bibtex_key, name="bibtex"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/<slug:key>/", views.venue_detail, name="venue"),
    path("venues/<slug:key>/<int:year>/", views.venue_detail, name="venue_year"),
    path("authors/<int:pk>/<slug:slug>/", views.author_detail, name="author"),
    # <path:> so that keywords with a slash ("I/O") have a page too.
    path("topics/<path:name>/", views.topic_detail, name="topic"),
]
