"""Atom feeds of listed summaries (site, venue, writer, paper) and the legacy RSS feed.

Every entry comes from ``Summary.objects.listed()``: private, unlisted and
deleted summaries never reach a feed. Anonymous summaries appear under the
name "Anonymous", with no link to their writer. Entries carry the whole
rendered body (MathML included) in Atom's ``<content>``, and every URL is made
absolute from the site's base URL (``precis.core.siteurl``).
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from precis.accounts.models import User
from precis.core.siteurl import site_url
from precis.papers.models import Paper, PaperRedirect, Venue
from precis.summaries.models import Summary

ENTRIES_PER_FEED = 50
ANONYMOUS_NAME = "Anonymous"

# Root-relative and fragment links in stored HTML (paper links, footnotes). nh3 writes
# every attribute double-quoted, so this sees all of them; "//host" links are left alone.
RELATIVE_LINK = re.compile(r'\b(href|src)="(/(?!/)|#)')


def absolute(path: str) -> str:
    return f"{site_url()}{path}"


def absolute_links(html: str, *, page_url: str) -> str:
    """``html`` with its links made absolute: feed readers show it away from our pages."""

    def replace(match: re.Match) -> str:
        attribute, start = match.groups()
        base = page_url if start == "#" else site_url()
        return f'{attribute}="{base}{start}'

    return RELATIVE_LINK.sub(replace, html)


def newest(summaries):
    """The newest ``ENTRIES_PER_FEED`` of ``summaries``, with what an entry shows, in one query."""
    return summaries.select_related("paper", "author").order_by(
        F("published_at").desc(nulls_last=True), "-pk"
    )[:ENTRIES_PER_FEED]


def paper_feed_items(paper: Paper) -> list:
    """The entries of a paper's feed, newest first: its listed summaries and its questions."""
    from precis.discussions.models import Question

    summaries = list(newest(Summary.objects.listed().filter(paper=paper)))
    questions = [
        QuestionEntry(question)
        for question in Question.objects.shown()
        .filter(paper=paper)
        .select_related("author", "paper")
        .order_by("-created_at", "-pk")[:ENTRIES_PER_FEED]
    ]
    entries = summaries + questions
    entries.sort(key=lambda entry: entry.published_at or entry.created_at, reverse=True)
    return entries[:ENTRIES_PER_FEED]


class QuestionEntry:
    """A question, shaped like a summary for the feed's ``item_*`` methods."""

    anonymous = False

    def __init__(self, question):
        self.question = question
        self.paper = question.paper
        self.author = question.author
        self.html = question.html or ""
        self.excerpt_html = question.html or ""
        self.published_at = self.created_at = question.created_at
        self.updated_at = question.updated_at
        self.feed_title = f"Question: {question.title}"

    def get_absolute_url(self) -> str:
        return self.question.get_absolute_url()


# Characters XML 1.0 cannot carry at all. Django's feed writer refuses them with an
# exception, so one stray escape character in one title would take a feed down for
# everyone; they are dropped here, whatever the stored text holds.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """``value`` with what XML cannot carry removed, inside lists and tuples too."""
    if isinstance(value, str):
        return XML_INVALID.sub("", value)
    if isinstance(value, (list, tuple)):
        return type(value)(xml_safe(item) for item in value)
    return value


class XmlSafeFeed:
    """A feed generator mixin that cleans every string the feed and its items are given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **{key: xml_safe(v) for key, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **{key: xml_safe(v) for key, v in kwargs.items()})


class SafeRssFeed(XmlSafeFeed, Rss201rev2Feed):
    pass


class FullContentAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom with the whole body in ``<content type="html">``.

    Django's Atom1Feed puts an item's description into ``<summary>`` only; many
    readers show just that. Here ``description`` becomes ``<content>`` and the
    stored excerpt (passed as ``excerpt``) becomes ``<summary>``.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": item.get("excerpt")})
        if item["description"] is not None:
            handler.addQuickElement("content", item["description"], {"type": "html"})


class WritingFeed(Feed):
    """What every feed of people's writing shares (summaries here, findings in the findings
    app): whole bodies in Atom, each entry's id its page's address, under its writer's
    name. Subclasses choose the entries, their titles and bodies."""

    feed_type = FullContentAtomFeed

    def feed_url(self, obj) -> str:
        raise NotImplementedError

    def feed_guid(self, obj) -> str:
        # The feed's own URL: two feeds that link to one page still get different ids.
        return self.feed_url(obj)

    def item_link(self, item) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item) -> str:
        return self.item_link(item)

    def item_author_name(self, item) -> str:
        return item.author.public_name

    def item_author_link(self, item) -> str | None:
        return absolute(item.author.get_absolute_url())

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class OnePaperFeed:
    """A feed mixin for one paper's feed at ``url_name`` (which takes the paper's ``pk``).

    A paper merged into another keeps its feed address working: it redirects, for good,
    to the kept paper's.
    """

    url_name: str

    def __call__(self, request, pk):
        try:
            return super().__call__(request, pk=pk)
        except Http404:
            merged_into = (
                PaperRedirect.objects.filter(old_id=pk).values_list("paper_id", flat=True).first()
            )
            if merged_into is None:
                raise
            return redirect(self.url_name, pk=merged_into, permanent=True)

    def get_object(self, request, pk):
        return get_object_or_404(Paper, pk=pk)

    def feed_url(self, paper: Paper) -> str:
        return absolute(reverse(self.url_name, args=[paper.pk]))


class SummaryFeed(WritingFeed):
    """What every feed of summaries shares; subclasses choose the summaries and the titles."""

    def item_title(self, item: Summary) -> str:
        # Atom titles are plain text; Django's default escape() would show "&amp;" in readers.
        return getattr(item, "feed_title", None) or f"Summary of {item.paper.title}"

    def item_description(self, item: Summary) -> str:
        return absolute_links(item.html, page_url=self.item_link(item))

    def item_extra_kwargs(self, item: Summary) -> dict:
        return {"excerpt": absolute_links(item.excerpt_html, page_url=self.item_link(item))}

    def item_author_name(self, item: Summary) -> str:
        return ANONYMOUS_NAME if item.anonymous else super().item_author_name(item)

    def item_author_link(self, item: Summary) -> str | None:
        # Only asked for when there is a name; never for anonymous summaries.
        return None if item.anonymous else super().item_author_link(item)

    def item_pubdate(self, item: Summary):
        return item.published_at or item.created_at


class SiteFeed(SummaryFeed):
    """The newest listed summaries on the whole site."""

    def title(self) -> str:
        return f"{settings.SITE_NAME}: new summaries"

    def subtitle(self) -> str:
        return "The newest summaries of research papers, written by readers."

    description = subtitle  # RSS's name for the subtitle

    def link(self) -> str:
        return absolute(reverse("core:home"))

    def feed_url(self, obj=None) -> str:
        return absolute(reverse("feeds:summaries"))

    def items(self):
        return newest(Summary.objects.listed())


class SiteRssFeed(SiteFeed):
    """The site feed as RSS 2.0, at the /rss.xml address the original site had."""

    feed_type = SafeRssFeed

    def feed_url(self, obj=None) -> str:
        return absolute(reverse("feeds:rss"))


class VenueFeed(SummaryFeed):
    def get_object(self, request, key):
        return get_object_or_404(Venue, key=key)

    def title(self, venue: Venue) -> str:
        return f"Summaries of {venue.name} papers · {settings.SITE_NAME}"

    def subtitle(self, venue: Venue) -> str:
        return f"New summaries of papers published at {venue.name}."

    def link(self, venue: Venue) -> str:
        return absolute(venue.get_absolute_url())

    def feed_url(self, venue: Venue) -> str:
        return absolute(reverse("feeds:venue", args=[venue.key]))

    def items(self, venue: Venue):
        return newest(Summary.objects.listed().filter(paper__venue=venue))


class UserFeed(SummaryFeed):
    """A writer's summaries under their own name; their anonymous ones stay out."""

    def get_object(self, request, username):
        return get_object_or_404(User.objects.public(), username=username)

    def title(self, person: User) -> str:
        return f"Summaries by {person.public_name} · {settings.SITE_NAME}"

    def subtitle(self, person: User) -> str:
        return f"New summaries written by {person.public_name}."

    def link(self, person: User) -> str:
        return absolute(person.get_absolute_url())

    def feed_url(self, person: User) -> str:
        return absolute(reverse("feeds:user", args=[person.username]))

    def items(self, person: User):
        return newest(Summary.objects.listed().filter(author=person, anonymous=False))


class PaperFeed(OnePaperFeed, SummaryFeed):
    """Everything new about one paper; see ``paper_feed_items``."""

    url_name = "feeds:paper"

    def title(self, paper: Paper) -> str:
        return f"Summaries of “{paper.title}” · {settings.SITE_NAME}"

    def subtitle(self, paper: Paper) -> str:
        return f"New summaries of and questions about “{paper.title}”."

    def link(self, paper: Paper) -> str:
        return absolute(paper.get_absolute_url())

    def items(self, paper: Paper):
        return paper_feed_items(paper)


class CollectionFeed(Feed):
    """Papers added to a public collection, newest first, each with the owner's note.

    Private and unlisted collections have no feed (404): a feed is a listing.
    """

    feed_type = FullContentAtomFeed

    def get_object(self, request, pk):
        from precis.collections.models import Collection

        return get_object_or_404(Collection.objects.listed().select_related("owner"), pk=pk)

    def title(self, collection) -> str:
        return f"{collection.title} · {settings.SITE_NAME}"

    def subtitle(self, collection) -> str:
        return (
            f"Papers added to “{collection.title}”, a collection by {collection.owner.public_name}."
        )

    def link(self, collection) -> str:
        return absolute(collection.get_absolute_url())

    def feed_url(self, collection) -> str:
        return absolute(reverse("feeds:collection", args=[collection.pk]))

    def feed_guid(self, collection) -> str:
        return self.feed_url(collection)

    def author_name(self, collection) -> str:
        return collection.owner.public_name

    def items(self, collection):
        return collection.items.select_related("paper", "collection").order_by(
            "-created_at", "-pk"
        )[:ENTRIES_PER_FEED]

    def item_title(self, item) -> str:
        return item.paper.title

    def item_link(self, item) -> str:
        return absolute(f"{item.collection.get_absolute_url()}#item-{item.pk}")

    def item_guid(self, item) -> str:
        return self.item_link(item)

    def item_description(self, item) -> str:
        paper_link = absolute(item.paper.get_absolute_url())
        note = absolute_links(item.note_html, page_url=self.item_link(item))
        return f'{note}<p><a href="{paper_link}">Summaries of this paper</a></p>'

    def item_extra_kwargs(self, item) -> dict:
        return {"excerpt": None}

    def item_pubdate(self, item):
        return item.created_at
