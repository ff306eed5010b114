"""Reading lists: an owner's ordered papers, optionally under section headings, each with a note."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from precis.lib import richtext
from precis.lib.moderation import Moderated, is_moderator, shown
from precis.lib.urls import link
from precis.papers.models import Paper
from precis.papers.services import citation_title
from precis.summaries.models import Summary, Visibility


def render_markdown(source: str) -> str:
    """Descriptions and notes as HTML; not strict, so stored text always re-renders."""
    # Footnote ids must differ between notes shown on one page.
    doc_id = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:8]
    if not source:
        return ""
    return richtext.render(source, cite_label=citation_title, doc_id=doc_id, strict=False)


class CollectionQuerySet(models.QuerySet):
    def listed(self):
        """What may appear in any listing, count or feed: public collections, shown."""
        return self.filter(shown(), visibility=Visibility.PUBLIC)

    def listed_for(self, user):
        """Listings as ``user`` sees them: listed ones, plus their own of any visibility."""
        if user.is_authenticated:
            return self.filter((shown() & Q(visibility=Visibility.PUBLIC)) | Q(owner=user))
        return self.listed()

    def visible_to(self, user):
        """What ``user`` may open by permalink: public and unlisted ones that are shown,
        their own, and for moderators those held or hidden too."""
        shared = Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED])
        if not user.is_authenticated:
            return self.filter(shared & shown())
        if is_moderator(user):
            return self.filter(shared | Q(owner=user))
        return self.filter((shared & shown()) | Q(owner=user))


class Collection(Moderated, models.Model):
    author_field = "owner"
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["owner", "visibility"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)[:80] or "collection"
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return link("collections:detail", self.pk, self.slug or "collection")

    def render(self) -> None:
        self.description_html = render_markdown(self.description)
        self.renderer_version = richtext.RENDERER_VERSION

    @property
    def is_listed(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE


class CollectionSection(models.Model):
    """An optional heading ("Tuesday — Main talks"); items without a section come first."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    """A paper in a collection; ``position`` orders items within their section (or none)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(
        CollectionSection, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="collection_items")
    note = models.TextField(blank=True, help_text="Markdown.")
    note_html = models.TextField(blank=True, editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    summary = models.ForeignKey(
        Summary, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "paper"], name="collection_paper_once"),
        ]

    def __str__(self) -> str:
        return f"{self.paper} in {self.collection}"

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self) -> None:
        self.note_html = render_markdown(self.note)
        self.renderer_version = richtext.RENDERER_VERSION
