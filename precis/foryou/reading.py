"""Reading a reader's feed: stored picks, their explanations, and the cold start.

Used by the page, the e-mail and the Atom feed alike, so the privacy rules hold the
same in all three: a pick shows a paper (papers are public) and, beside it, that
paper's best *listed* summary not written by someone the reader muted or blocked
(an anonymous one stays "Anonymous"). Explanations name only the paper the reader
engaged with and things the reader may see now (a seeded collection still
seedable, a followed person who still summarises that paper under their name);
otherwise a pick keeps a plain "close to what you read here". Every function takes a
constant number of queries, whatever the number of picks on the page.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch

from precis.accounts.models import public_q
from precis.lib.moderation import ModerationState
from precis.papers.models import Paper, PaperAuthor
from precis.summaries.models import Summary, Visibility

from .models import Because, Pick, Profile, Seed
from .rules import followable_collections, seedable_q, silenced_q

PICKS_PER_PAGE = 20
POPULAR_COUNT = 20


@dataclass(frozen=True)
class Explanation:
    lead: str  # "Because you collected"
    paper: Paper | None  # the paper engaged with, or None for the plain reason
    tail: str = ""

    @property
    def text(self) -> str:
        """One line of plain text (e-mail, Atom)."""
        if self.paper is None:
            return self.lead
        return f"{self.lead} “{self.paper.title}”{self.tail}"


PLAIN = Explanation("Close to what you read, collected and wrote here", None)


@dataclass
class Entry:
    paper: Paper
    summary: Summary | None
    why: Explanation


def picks_page(reader, page_number, *, seeds: list[Seed] | None = None):
    """The page of ``reader``'s picks (a Paginator page of ``Entry``). ``seeds``: the
    reader's seeds that may still shape the feed, with their collections, where the
    caller has them already (``seeds_of``); they explain the seeded picks."""
    page = Paginator(_picks_of(reader), PICKS_PER_PAGE).get_page(page_number)
    page.object_list = entries(reader, list(page.object_list), seeds=seeds)
    return page


def seeds_of(reader, limit: int) -> list[Seed]:
    """The reader's first ``limit`` seeds, newest first, with their collections and
    owners: those it may still seed with (a seeded collection made private or hidden
    since drops out, and the training ignores it). One query."""
    return list(
        Seed.objects.filter(seedable_q(reader, "collection__"), reader=reader)
        .select_related("collection__owner")
        .order_by("-created_at", "-pk")[:limit]
    )


def top_entries(reader, count: int) -> list[Entry]:
    """The reader's best ``count`` picks as entries (e-mail, Atom)."""
    return entries(reader, list(_picks_of(reader)[:count]))


def _picks_of(reader):
    """Picks in rank order with their papers, venues and authors (two queries), and the
    paper and venue explaining each."""
    return (
        Pick.objects.filter(reader=reader)
        .select_related("paper__venue", "because_paper", "because_venue")
        .prefetch_related(
            Prefetch(
                "paper__paper_authors",
                queryset=PaperAuthor.objects.select_related("author").order_by("position"),
            )
        )
    )


def entries(reader, picks: list[Pick], *, seeds: list[Seed] | None = None) -> list[Entry]:
    if not picks:
        return []
    best = best_summaries(reader, [pick.paper_id for pick in picks])
    allowed = _allowed_reasons(reader, picks, seeds)
    return [Entry(pick.paper, best.get(pick.paper_id), _explain(pick, allowed)) for pick in picks]


def best_summaries(reader, paper_ids: list[int]) -> dict[int, Summary]:
    """Each paper's best listed summary that ``reader`` does not have muted; one query."""
    rows = (
        Summary.objects.listed()
        .excluding_muted_by(reader)
        .filter(paper_id__in=paper_ids)
        .select_related("author")
        .best_first()
    )
    best: dict[int, Summary] = {}
    for summary in rows:
        best.setdefault(summary.paper_id, summary)
    return best


def _allowed_reasons(reader, picks: list[Pick], seeds: list[Seed] | None) -> dict[str, set]:
    """What the explanations on this page may still name: up to three queries."""
    seed_ids = {p.because_collection_id for p in picks if p.because == Because.SEEDED}
    follow_ids = {
        p.because_collection_id for p in picks if p.because == Because.FOLLOWED_COLLECTION
    }
    allowed: dict[str, dict | set] = {"seeded": {}, "followed": {}, "people": set()}
    # Collection id → its title where it is public, None where it is not (the reader's
    # own private list, someone's unlisted one): named only when anyone could find it.
    if seed_ids:
        if seeds is None:
            seeds = Seed.objects.filter(
                seedable_q(reader, "collection__"), reader=reader, collection__in=seed_ids
            ).select_related("collection")
        allowed["seeded"] = {seed.collection_id: _public_title(seed.collection) for seed in seeds}
    if follow_ids:
        followed = followable_collections(reader).filter(pk__in=follow_ids)
        allowed["followed"] = {
            collection.pk: _public_title(collection)
            for collection in followed.only("title", "visibility", "moderation")
        }
    pairs = {
        (p.because_user_id, p.because_paper_id)
        for p in picks
        if p.because == Because.FOLLOWED_USER and p.because_user_id and p.because_paper_id
    }
    if pairs:
        # A followed person explains a pick only while they still have a listed summary
        # of that paper under their own name: never through an anonymous one. Asked for
        # by both lists (indexed) and then matched pair by pair here.
        rows = (
            Summary.objects.listed()
            .filter(
                public_q("author__"),
                anonymous=False,
                author_id__in={user_id for user_id, _ in pairs},
                paper_id__in={paper_id for _, paper_id in pairs},
            )
            .exclude(silenced_q(reader, "author"))
            .select_related("author")
        )
        allowed["people"] = {
            (s.author_id, s.paper_id, s.author.public_name)
            for s in rows
            if (s.author_id, s.paper_id) in pairs
        }
    return allowed


def _public_title(collection) -> str | None:
    public = (collection.visibility, collection.moderation) == (
        Visibility.PUBLIC,
        ModerationState.OK,
    )
    return collection.title if public else None


def _explain(pick: Pick, allowed: dict[str, set]) -> Explanation:
    paper = pick.because_paper
    if paper is None:
        return PLAIN
    because = pick.because
    if because == Because.WROTE:
        return Explanation("Because you wrote a summary of", paper)
    if because == Because.COLLECTED:
        return Explanation("Because you collected", paper)
    if because == Because.VOTED:
        return Explanation("Because you voted for a summary of", paper)
    if because == Because.FOLLOWED_PAPER:
        return Explanation("Because you follow", paper)
    if because == Because.SEEDED and pick.because_collection_id in allowed["seeded"]:
        title = allowed["seeded"][pick.because_collection_id]
        named = f"the collection “{title}”" if title else "a collection"
        return Explanation(f"Because you chose {named} for your feed, with", paper)
    if because == Because.FOLLOWED_COLLECTION and pick.because_collection_id in allowed["followed"]:
        title = allowed["followed"][pick.because_collection_id]
        named = f"the collection “{title}”" if title else "a collection"
        return Explanation(f"Because you follow {named}, with", paper)
    if because == Because.FOLLOWED_USER:
        for user_id, paper_id, name in allowed["people"]:
            if (user_id, paper_id) == (pick.because_user_id, pick.because_paper_id):
                return Explanation(f"Because you follow {name}, who summarised", paper)
    if because == Because.FOLLOWED_VENUE and pick.because_venue is not None:
        return Explanation(f"Because you follow {pick.because_venue.name}, which published", paper)
    return PLAIN


def popular(reader, count: int = POPULAR_COUNT) -> list[Summary]:
    """The cold start: popular recent listed summaries, none by people the reader muted."""
    return list(
        Summary.objects.listed()
        .excluding_muted_by(reader)
        .select_related("author")
        .prefetch_related(Prefetch("paper", queryset=Paper.objects.with_authors()))
        .order_by("-popularity", "-pk")[:count]
    )


def state_of(reader) -> Profile | None:
    return Profile.objects.filter(user=reader).first()
