from django.urls import path

from . import feeds, views

app_name = "feeds"
urlpatterns = [
    path("feeds/summaries.atom", feeds.SiteFeed(), name="summaries"),
    path("feeds/venues/<slug:key>.atom", feeds.VenueFeed(), name="venue"),
    path("feeds/users/<str:username>.atom", feeds.UserFeed(), name="user"),
    path("feeds/papers/<int:pk>.atom", feeds.PaperFeed(), name="paper"),
    path("feeds/collections/<int:pk>.atom", feeds.CollectionFeed(), name="collection"),
    path("rss.xml", feeds.SiteRssFeed(), name="rss"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
]
