from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from precis.core.siteurl import site_url

from .sitemaps import SITEMAPS

# Crawlers may read everything public; forms, account pages and search results are no use
# to them (search pages are endless and already carry noindex).
ROBOTS_DISALLOW = ["/accounts/", "/admin/", "/search", "/settings/", "/summaries/preview"]


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {site_url(request)}{reverse('feeds:sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
@x_robots_tag
def sitemap_index(request):
    """The sitemap index, one entry per section page.

    Django's own index view takes the host from the Site row and the request;
    this one takes it from the site URL, like every other absolute URL we publish.
    """
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = f"{site_url(request)}{reverse('feeds:sitemap_section', args=[section])}"
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
