"""Atom feeds of findings: the whole site's and one paper's, newest first.

Entries come from ``Finding.objects.visible()`` only: held, hidden and deleted
findings never reach a feed (a feed is the same for every reader, so nobody's
mutes apply). Built on the feeds app's Atom writer, which drops what XML cannot
carry and makes every link absolute.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from precis.feeds.feeds import ENTRIES_PER_FEED, OnePaperFeed, WritingFeed, absolute, absolute_links
from precis.papers.models import Paper

from .models import Finding


def newest(findings):
    return findings.select_related("paper", "author").order_by("-created_at", "-pk")[
        :ENTRIES_PER_FEED
    ]


class FindingsFeed(WritingFeed):
    def item_title(self, item: Finding) -> str:
        return f"[{item.get_kind_display()} · {item.get_status_display()}] {item.title}"

    def item_description(self, item: Finding) -> str:
        parts = [
            f"<p>{escape(item.get_kind_display())} about "
            f'<a href="{absolute(item.paper.get_absolute_url())}">{escape(item.paper.title)}</a>'
            + (f" ({escape(item.paper_version)})" if item.paper_version else "")
            + f"; status: {escape(item.get_status_display().lower())}.</p>"
        ]
        if item.link_url:
            parts.append(f'<p><a href="{escape(item.link_url)}">{escape(item.link_url)}</a></p>')
        parts.append(absolute_links(item.html, page_url=self.item_link(item)))
        return "".join(parts)

    def item_extra_kwargs(self, item: Finding) -> dict:
        return {"excerpt": None}


class SiteFindingsFeed(FindingsFeed):
    def title(self) -> str:
        return f"{settings.SITE_NAME}: new findings on papers"

    def subtitle(self) -> str:
        return "Errata, reproductions, citations and code or data links that readers report."

    def link(self) -> str:
        return absolute(reverse("findings:list"))

    def feed_url(self, obj=None) -> str:
        return absolute(reverse("findings:feed"))

    def items(self):
        return newest(Finding.objects.visible())


class PaperFindingsFeed(OnePaperFeed, FindingsFeed):
    url_name = "findings:paper_feed"

    def title(self, paper: Paper) -> str:
        return f"Findings on “{paper.title}” · {settings.SITE_NAME}"

    def subtitle(self, paper: Paper) -> str:
        return f"Errata, reproductions and links reported about “{paper.title}”."

    def link(self, paper: Paper) -> str:
        return absolute(reverse("findings:paper", args=[paper.pk]))

    def items(self, paper: Paper):
        return newest(Finding.objects.visible().filter(paper=paper))
