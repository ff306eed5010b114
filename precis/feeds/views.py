from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from precis.core.siteurl import site_url

from .sitemaps import SITEMAPS, urlset

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
        lastmod = sitemap.latest()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.page_count() + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_GET
@x_robots_tag
def sitemap_section(request, section):
    """One page (``?p=``, from 1) of a section's URLs; 404 for an unknown section or a
    page past the last (the first page of an empty section is an empty ``urlset``)."""
    sitemap_class = SITEMAPS.get(section)
    page = request.GET.get("p", "1")
    # at most 9 digits: the offset it makes stays far inside a 64-bit integer
    if sitemap_class is None or not (page.isascii() and page.isdigit()) or len(page) > 9:
        raise Http404("No such sitemap page.")
    page = int(page)
    entries = sitemap_class().entries(page) if page else []
    if not entries and page != 1:
        raise Http404("No such sitemap page.")
    response = HttpResponse(urlset(site_url(request), entries), content_type="application/xml")
    changes = [changed for _, changed in entries if changed]
    if changes:
        response.headers["Last-Modified"] = http_date(max(changes).timestamp())
    return response
