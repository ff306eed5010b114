from django.db import models

from precis.papers.models import Paper


class SearchDocument(models.Model):
    """What search sees of one paper: its text, its public summaries' text, and filter columns.

    The full-text index lives beside it and is kept in step by precis.search.services:
    an FTS5 table using this one as external content on SQLite; a generated,
    weighted tsvector column with GIN indexes on PostgreSQL (see the migrations).
    Only listed (public, not deleted) summaries are ever copied in.
    """

    paper = models.OneToOneField(
        Paper, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()
    authors = models.TextField(blank=True)  # names joined by "; "
    abstract = models.TextField(blank=True)
    summaries = models.TextField(blank=True)
    venue_key = models.CharField(max_length=40, blank=True, db_index=True)
    venue_name = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, db_index=True)
    summary_count = models.PositiveIntegerField(default=0, db_index=True)
    # Filter values as words ("xvenueicml xyear2015 xhassummary"), so SQLite's word
    # index answers filters by intersecting lists instead of checking rows one by one.
    tags = models.TextField(blank=True)
    best_wilson = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.title


class SearchRank(models.Model):
    """The narrow side of a search document: what ranking and filtering read for each match.

    A match's filters and ranking boost come from this small row instead of the wide
    document row (whose text runs over several pages). On PostgreSQL it also carries a
    copy of the document's weighted tsvector with its own GIN index (see migration
    0003), so matching, filtering and ranking never read the wide rows at all; the
    index on ``boost`` lets a broad query walk the matches most popular first.
    """

    paper = models.OneToOneField(
        Paper, primary_key=True, on_delete=models.CASCADE, related_name="search_rank"
    )
    # The ranking boost: 1 + the best summary's Wilson score + 0.25 for having a summary.
    boost = models.FloatField(default=1.0)
    year = models.PositiveSmallIntegerField(null=True)
    venue_key = models.CharField(max_length=40, blank=True)
    has_summary = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                models.F("boost").desc(), models.F("paper").desc(), name="search_rank_by_boost"
            ),
            # A broad query with venue:x walks that venue's papers most popular first.
            models.Index(
                "venue_key",
                models.F("boost").desc(),
                models.F("paper").desc(),
                name="search_rank_venue_by_boost",
            ),
        ]

    def __str__(self) -> str:
        return f"search rank of paper {self.paper_id}"


class SearchTerm(models.Model):
    """A word of the indexed text (folded to lower case without accents) and in how many
    papers' documents it is: the vocabulary "did you mean" draws corrections from.

    Kept in step with every document write by precis.search.vocabulary. ``initial``,
    ``final`` and ``length`` exist for the indexes that find a word's likely
    corrections, most frequent first, without reading the whole vocabulary.
    """

    term = models.CharField(max_length=40, primary_key=True)
    initial = models.CharField(max_length=1)
    final = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()
    documents = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # The word is in the index too, so a probe reads the index alone.
            models.Index(
                "initial",
                "length",
                models.F("documents").desc(),
                "term",
                name="search_term_by_initial",
            ),
            models.Index(
                "final", "length", models.F("documents").desc(), "term", name="search_term_by_final"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.documents})"


def boost_for(best_wilson: float, summary_count: int) -> float:
    """Search results favour papers with well-voted summaries: the text score is scaled by this."""
    return 1.0 + best_wilson + (0.25 if summary_count > 0 else 0.0)


class ReindexState(models.Model):
    """Progress of a full reindex, so a stopped one resumes after the last paper done."""

    last_paper_id = models.BigIntegerField(default=0)
    papers_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reindex at paper {self.last_paper_id}"
