import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from precis.importers import names
from precis.lib import identifiers, richtext
from precis.lib.urls import link

from .fields import FIELDS, field_of_categories

# A card in a list names this many authors, then "and N more".
CARD_AUTHORS = 6
# The longest topic key kept (precis.papers.topics); imports keep keywords to 100 characters.
MAX_TOPIC_CHARS = 300


class Venue(models.Model):
    """A conference, journal or archive; papers belong to one edition of it by year."""

    key = models.SlugField(max_length=40, unique=True, help_text="Short key used in URLs: icml")
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("papers:venue", self.key)

    def render(self) -> None:
        self.description_html = (
            # Right under the venue page's h1.
            richtext.render(self.description, heading_level=2, strict=False)
            if self.description
            else ""
        )
        self.renderer_version = richtext.RENDERER_VERSION


class Author(models.Model):
    name = models.CharField(max_length=200, db_index=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("papers:author", self.pk, self.slug)

    @property
    def slug(self) -> str:
        """The name for URLs; names with no Latin letters or digits get a stand-in."""
        return slugify(self.name)[:80] or "author"


class PaperQuerySet(models.QuerySet):
    def with_authors(self):
        return self.select_related("venue").prefetch_related(
            models.Prefetch(
                "paper_authors",
                queryset=PaperAuthor.objects.select_related("author").order_by("position"),
            ),
            "identifiers",
        )

    def by_identifier(self, scheme: str, value: str):
        return self.filter(identifiers__scheme=scheme, identifiers__value=value)


# What django.utils.text.slugify drops from ASCII text: all but letters, digits, "_",
# "-" and whitespace.
SLUG_DROPPED = {code: None for code in range(128) if not re.fullmatch(r"[\w\s-]", chr(code))}


def paper_slug(title: str) -> str:
    """``slugify(title)[:80]``, or "paper" for a title with nothing to show.

    A bulk import derives one per paper: an ASCII title (nearly all are) skips
    slugify's Unicode decomposition, which leaves ASCII as it is, and its regular
    expressions, for str methods that do the same.
    """
    if title.isascii():
        words = title.lower().translate(SLUG_DROPPED).replace("-", " ").split()
        slug = "-".join(words).strip("-_")
    else:
        slug = slugify(title)
    return slug[:80] or "paper"


class Paper(models.Model):
    title = models.CharField(max_length=500)
    # Not indexed: papers are found by id, the slug only makes their URLs readable.
    slug = models.SlugField(max_length=80, blank=True, db_index=False)
    abstract = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    published_on = models.DateField("first published", null=True, blank=True)
    # Not indexed on its own: the (venue, year) index below starts with it.
    venue = models.ForeignKey(
        Venue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="papers",
        db_index=False,
    )
    url = models.URLField(max_length=500, blank=True)
    pdf_url = models.URLField("PDF URL", max_length=500, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True, help_text="arXiv category codes")
    field = models.CharField(max_length=10, choices=FIELDS.items(), default="other", db_index=True)
    source = models.CharField(max_length=40, blank=True, help_text="Where the record came from")
    # For finding the same paper from another source: see precis.importers.names.title_key.
    title_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    first_author_key = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    authors = models.ManyToManyField(Author, through="PaperAuthor", related_name="papers")
    # How much readers want this paper explained (precis.papers.demand keeps them):
    # visitors counted once a day, readers following it, readers asking for a summary.
    views = models.PositiveIntegerField(default=0, editable=False)
    follower_count = models.PositiveIntegerField(default=0, editable=False)
    request_count = models.PositiveIntegerField(default=0, editable=False)
    demand = models.PositiveIntegerField(default=0, editable=False)
    # A moderator took the paper off the waiting lists (home, /requests/): when, who, why
    # (precis.papers.demand.hide_from_waiting_lists; the audit log has it too).
    waiting_hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    waiting_hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    waiting_hidden_reason = models.CharField(max_length=300, blank=True, editable=False)
    # The newest version we know of (precis.papers.versions keeps it); null when unknown.
    latest_version = models.ForeignKey(
        "PaperVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Its listed summaries: how many, and the best one's Wilson bound (null without
    # one). precis.summaries keeps them, in the transaction of every summary write, so
    # that venue pages read a venue's summarised papers without counting summaries.
    listed_summaries = models.PositiveIntegerField(default=0, editable=False)
    best_wilson = models.FloatField(null=True, blank=True, editable=False)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        indexes = [
            models.Index(fields=["venue", "year"]),
            # A venue's summarised papers and their years (the venue pages), without
            # reading its other papers: a harvested venue holds thousands.
            models.Index(
                fields=["venue", "year"],
                condition=Q(listed_summaries__gt=0),
                name="summarised_by_venue",
            ),
            # The API's list of papers by title, a page at a time (api.pagination).
            models.Index(fields=["title", "id"], name="paper_by_title"),
            # The papers waiting for a summary (home, /requests/), most asked for first.
            models.Index(
                fields=["-request_count", "-demand", "-id"],
                condition=Q(request_count__gt=0),
                name="paper_by_requests",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from .topics import write_topics

        self.derive_fields()
        adding = self._state.adding
        if not adding and kwargs.get("update_fields") is None:
            # A paper loaded before a vote or a view and saved after it would write its
            # stale counts back: the counters are only ever written by those who keep them.
            kwargs["update_fields"] = SAVED_FIELDS
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"categories", "keywords", "year"} & set(update_fields):
            write_topics([self], replace=not adding)

    def get_absolute_url(self) -> str:
        return link("papers:detail", self.pk, self.slug or "paper")

    @property
    def venue_url(self) -> str:
        """The venue's page for the paper's year (or the venue's page); "" without a venue."""
        if not self.venue_id:
            return ""
        if self.year:
            return link("papers:venue_year", self.venue.key, self.year)
        return self.venue.get_absolute_url()

    def derive_fields(self) -> None:
        """Fields computed from others; called by save() and before bulk writes."""
        self.slug = paper_slug(self.title)
        self.field = field_of_categories(self.categories)
        self.title_key = names.title_key(self.title)

    def ordered_authors(self) -> list["Author"]:
        """Authors in paper order; uses the prefetch from ``with_authors()`` when present."""
        return [link.author for link in self.paper_authors.all()]

    def card_authors(self) -> list["Author"]:
        """The first authors, for cards in a list: a 40-author paper would fill the card."""
        return self.ordered_authors()[:CARD_AUTHORS]

    def authors_not_on_card(self) -> int:
        return max(0, len(self.paper_authors.all()) - CARD_AUTHORS)

    def identifier(self, scheme: str) -> str:
        """The paper's identifier of one scheme, or "" (uses the prefetched identifiers)."""
        return next((i.value for i in self.identifiers.all() if i.scheme == scheme), "")

    @property
    def arxiv_id(self) -> str:
        return self.identifier("arxiv")

    @property
    def doi(self) -> str:
        return self.identifier("doi")

    def links_out(self) -> list[tuple[str, str]]:
        """(label, url) pairs for the paper elsewhere: arXiv, DOI, DBLP, PDF, publisher."""
        links = []
        if arxiv := self.identifier("arxiv"):
            links.append(("arXiv", identifiers.arxiv_url(arxiv)))
        if doi := self.identifier("doi"):
            links.append(("DOI", identifiers.doi_url(doi)))
        if dblp := self.identifier("dblp"):
            links.append(("DBLP", identifiers.dblp_url(dblp)))
        pdf = self.pdf_url or (identifiers.arxiv_pdf_url(arxiv) if arxiv else "")
        if pdf:
            links.append(("PDF", pdf))
        if self.url and not _is_mirror_of(self.url, links):
            links.append(("Website", self.url))
        return links


# Counters kept by queryset updates (precis.papers.demand, precis.summaries).
KEPT_ELSEWHERE = frozenset(
    {"views", "follower_count", "request_count", "demand", "listed_summaries", "best_wilson"}
)
# What a plain save() of a stored paper writes: every column but those.
SAVED_FIELDS = tuple(
    field.name
    for field in Paper._meta.concrete_fields
    if not field.primary_key and field.name not in KEPT_ELSEWHERE
)


class PaperTopic(models.Model):
    """A paper is on a topic: one of its arXiv categories or keywords, in lower case.

    Derived from Paper.categories, Paper.keywords and Paper.year by precis.papers.topics,
    so that a topic's page counts and lists its papers down an index, newest first,
    instead of reading every paper.
    """

    # The key is the pair: no id column, and no index beside the two below.
    pk = models.CompositePrimaryKey("paper", "topic")
    # Not indexed on its own: the primary key's (paper, topic) index starts with it.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+", db_index=False)
    topic = models.CharField(max_length=MAX_TOPIC_CHARS)
    year = models.PositiveSmallIntegerField(default=0, help_text="The paper's; 0 when unknown")

    class Meta:
        indexes = [models.Index(fields=["topic", "year", "paper"], name="paper_topic_by_year")]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.topic}"


IDENTIFIER_HOSTS = ("arxiv.org", "doi.org", "dblp.org", "dblp.uni-trier.de")


def _is_mirror_of(url: str, links: list[tuple[str, str]]) -> bool:
    """Whether ``url`` only repeats a link we already show (a versioned arXiv page, say)."""
    host = urlsplit(url).hostname or ""
    return any(url == known for _, known in links) or host.endswith(IDENTIFIER_HOSTS)


class PaperVersion(models.Model):
    """One version of a paper: arXiv's vN, or for a DOI-only paper the Crossref record of a date.

    ``title``, ``abstract`` and ``comments`` are the paper's text as of this version
    when ``has_snapshot`` (an import saw that version's metadata); a version known
    only from a list of dates (OAI-PMH arXivRaw names every version) has none.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(help_text="arXiv's N in vN; 1, 2, … for DOI records")
    label = models.CharField(max_length=20, help_text='"v2", or a Crossref record\'s date')
    released_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    abstract = models.TextField(blank=True)
    comments = models.TextField(blank=True, help_text="arXiv's comments field")
    has_snapshot = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paper", "number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="paper_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.label}"

    @property
    def name(self) -> str:
        """How readers see it: "v2", or "the version of 4 March 2021" for a dated record."""
        if self.label.startswith("v") or self.released_on is None:
            return self.label
        return f"the version of {self.released_on:%-d %B %Y}"

    @property
    def arxiv_url(self) -> str:
        """This version's page on arXiv, or "" (a DOI-only paper's record has none)."""
        arxiv = self.paper.arxiv_id
        if not arxiv or not self.label.startswith("v"):
            return ""
        return identifiers.arxiv_url(arxiv, self.number)


class WrittenAgainstVersion(models.Model):
    """Writing about a paper (a summary, comment, question or answer) that records the
    paper's version it was written against: the paper's latest, set by its app's services
    when it is written (a summary's again when its text changes, or when its writer
    confirms it holds for a newer version); null when no version was known."""

    paper_version = models.ForeignKey(
        PaperVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class PaperAuthor(models.Model):
    # No index of its own: the unique (paper, position) index starts with paper.
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="paper_authors", db_index=False
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="paper_links")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="paper_author_position"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.paper}"


class PaperRedirect(models.Model):
    """The id of a paper merged into another, so its old URLs keep working."""

    old_id = models.PositiveBigIntegerField(unique=True)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="redirects_from")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_id} → {self.paper_id}"


class Identifier(models.Model):
    """An external id of a paper; values are stored normalised (precis.lib.identifiers)."""

    SCHEMES = [
        ("arxiv", "arXiv"),
        ("doi", "DOI"),
        ("dblp", "DBLP"),
        ("bibtex", "ShortScience BibTeX key"),
    ]
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=SCHEMES)
    value = models.CharField(max_length=255)

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class SummaryRequest(models.Model):
    """A signed-in reader asking for a summary of a paper; one per reader and paper."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="summary_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summary_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "requester"], name="summary_request_once"),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} asks for a summary of {self.paper_id}"


class SummaryClaim(models.Model):
    """A writer saying "I am writing a summary of this" for a few days (precis.papers.claims).

    Open while ``closed_at`` is empty and ``expires_at`` is ahead: expiry is read from
    the date, no job closes it. At most one open claim per paper (an expired one is
    closed by the next claim of the paper before it is made).
    """

    class Outcome(models.TextChoices):
        RELEASED = "released", "Released by the writer"
        FULFILLED = "fulfilled", "The writer published a summary"
        EXPIRED = "expired", "Ran out"
        CANCELLED = "cancelled", "Ended when the writer's account was suspended"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="summary_claims")
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summary_claims"
    )
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["paper"], condition=Q(closed_at=None), name="one_open_claim_per_paper"
            ),
        ]
        indexes = [
            models.Index(
                fields=["writer", "expires_at"],
                condition=Q(closed_at=None),
                name="open_claims_by_writer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.writer_id} writing a summary of {self.paper_id} until {self.expires_at}"


class RelatedPaper(models.Model):
    """A paper worth reading next to another; computed offline by precis.papers.related."""

    class Reason(models.TextChoices):
        AUTHORS = "authors", "same authors"
        VENUE = "venue", "same venue and year"
        TEXT = "text", "similar topic"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=10, choices=Reason.choices)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "related"], name="related_paper_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.related_id} related to {self.paper_id} ({self.reason})"

    @property
    def reason_label(self) -> str:
        """Why it is shown, for readers: "same authors", "also at ICML 2015", "similar topic"."""
        if self.reason == self.Reason.VENUE and self.related.venue_id:
            venue = self.related.venue
            # "International Conference on Machine Learning (ICML)" → "ICML"
            short = venue.name.rsplit("(", 1)[-1].rstrip(")") if venue.name.endswith(")") else ""
            name = short or venue.name
            return f"also at {name} {self.related.year}" if self.related.year else f"also at {name}"
        return self.get_reason_display()
