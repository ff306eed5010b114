from django.urls import path

from . import feeds, views

app_name = "findings"
urlpatterns = [
    path("findings/", views.site_list, name="list"),
    path("findings/<int:pk>/", views.detail, name="detail"),
    path("findings/<int:pk>/replies", views.reply, name="reply"),
    path("findings/<int:pk>/status", views.change_status, name="status"),
    path("findings/replies/<int:pk>/delete", views.reply_delete, name="reply_delete"),
    path("findings/papers/<int:paper_id>/", views.paper_list, name="paper"),
    path("findings/papers/<int:paper_id>/new", views.new, name="new"),
    path("feeds/findings.atom", feeds.SiteFindingsFeed(), name="feed"),
    path("feeds/papers/<int:pk>/findings.atom", feeds.PaperFindingsFeed(), name="paper_feed"),
]
