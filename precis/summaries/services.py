"""Write paths for summaries: save (with revisions), delete and undo, restore a
revision, vote, count a view, keep the editor's drafts. Views, commands and the API
all call these."""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from precis.lib import richtext, screening, visitors
from precis.lib.moderation import moderation_fields
from precis.lib.text import clean_text
from precis.notifications import services as notifications
from precis.papers import claims
from precis.search.services import index_papers_soon, refresh_scores

from . import ranking, signals
from .models import DailyViews, Draft, Revision, Summary, Visibility, Vote

MAX_SOURCE_CHARS = 60_000
# Drafts are autosaved on every paper a writer opens the editor of and types in; each
# may hold a summary's worth of text, so a writer keeps at most this many at once.
MAX_DRAFTS_PER_WRITER = 100
_TAB_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")


def validate_source(source: str) -> str:
    source = clean_text(source).strip()
    if not source:
        raise ValidationError("A summary cannot be empty.")
    if len(source) > MAX_SOURCE_CHARS:
        raise ValidationError(
            f"A summary can be at most {MAX_SOURCE_CHARS:,} characters; this one has {len(source):,}."
        )
    richtext.check(source)  # a table of 12,000 rows and the like: RenderLimitExceeded
    return source


@transaction.atomic
def save_summary(*, author, paper, source, visibility, anonymous=False, note="") -> Summary:
    """Create or update ``author``'s summary of ``paper``.

    Appends a Revision whenever the text, visibility or anonymity changes (saving
    the same state twice, e.g. a double submit, adds nothing). A soft-deleted
    summary is brought back by saving it again.
    """
    source = validate_source(source)
    if visibility not in Visibility.values:
        raise ValidationError(f"Unknown visibility {visibility!r}.")
    summary = Summary.objects.select_for_update().filter(
        author=author, paper=paper
    ).first() or Summary(author=author, paper=paper)
    # Its votes earn points only while it is listed, and publicly only under a name.
    credit_moves = summary.pk is not None and (
        summary.visibility != visibility
        or summary.anonymous != anonymous
        or summary.deleted_at is not None
    )
    changed = (
        summary.pk is None
        or summary.source != source
        or summary.visibility != visibility
        or summary.anonymous != anonymous
        or summary.deleted_at is not None
    )
    if not changed:
        return summary
    screening_result = None
    if visibility != Visibility.PRIVATE:  # others will read it: the moderation rules apply
        screening_result = screening.screened(summary, author=author, kind="summary", text=source)
    if summary.pk is None or summary.source != source:  # written against the newest version
        summary.paper_version_id = paper.latest_version_id
    summary.source = source
    summary.visibility = visibility
    summary.anonymous = anonymous
    summary.deleted_at = None
    summary.render()
    first_publication = visibility == Visibility.PUBLIC and summary.published_at is None
    if first_publication:
        summary.published_at = timezone.now()
    summary.refresh_rankings()
    summary.save()
    if screening_result:
        screening.announce(summary, *screening_result)
    last = summary.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    Revision.objects.create(
        summary=summary,
        number=last + 1,
        editor=author,
        source=source,
        visibility=visibility,
        anonymous=anonymous,
        note=note,
    )
    index_papers_soon([summary.paper_id])
    if credit_moves:
        _credit_changed(summary.author_id)
    if first_publication:
        notifications.summary_published(summary)
    if visibility == Visibility.PUBLIC:  # the writer's claim on the paper is fulfilled
        claims.fulfil_claims(writer=author, paper=paper)
    return summary


@transaction.atomic
def save_from_editor(*, author, paper, source, visibility, anonymous=False) -> Summary:
    """``save_summary`` for the editor's Save button: the writer's draft of this paper
    goes, since what they typed is now a revision."""
    summary = save_summary(
        author=author, paper=paper, source=source, visibility=visibility, anonymous=anonymous
    )
    Draft.objects.filter(writer=author, paper=paper).delete()
    return summary


def set_moderation(*, summary: Summary, state: str, reason: str = "") -> Summary:
    """Hold, hide or show ``summary`` (the moderation app's decision; it checks who may).

    The search index follows. A held public summary approved for the first time is
    announced to followers then, as publishing it would have been.
    """
    was_held = summary.is_held
    summary.save_moderation(state, reason)
    index_papers_soon([summary.paper_id])
    _credit_changed(summary.author_id)
    if was_held and summary.is_listed:
        notifications.summary_published(summary)
    return summary


def moderate_everything_by(*, author, matching: Q, state: str, reason: str = "") -> list[int]:
    """Set the moderation state of every summary ``author`` wrote that ``matching``
    selects (an account marked as a spammer, or the mark lifted); their ids."""
    ids = list(Summary.objects.filter(matching, author=author).values_list("pk", flat=True))
    rows = Summary.objects.filter(pk__in=ids)
    rows.update(**moderation_fields(state, reason))
    index_papers_soon(list(rows.values_list("paper_id", flat=True).distinct()))
    _credit_changed(author.pk)
    return ids


def confirm_for_current_version(*, summary: Summary, editor) -> Summary:
    """The writer says their summary still holds for the paper's newest version.

    Records that version on the summary, which clears its "written for an earlier
    version" notice. Idempotent: confirming again (a double submit) changes nothing.
    """
    if summary.author_id != editor.pk:
        raise PermissionDenied("Only the writer can confirm their summary.")
    latest = (
        Summary.objects.filter(pk=summary.pk)
        .values_list("paper__latest_version", flat=True)
        .first()
    )
    if latest is not None and summary.paper_version_id != latest:
        summary.paper_version_id = latest
        summary.save(update_fields=["paper_version", "updated_at"])
    return summary


def lock_comments(*, summary: Summary, locked: bool) -> Summary:
    summary.comments_locked = locked
    summary.save(update_fields=["comments_locked"])
    return summary


def restore_revision(*, summary: Summary, revision: Revision, editor) -> Summary:
    """Make an old revision's text current again, as a new revision (history only grows)."""
    if summary.author_id != editor.pk:
        raise PermissionDenied("Only the writer can restore a revision.")
    if revision.summary_id != summary.pk:
        raise ValidationError("That revision belongs to another summary.")
    return save_summary(
        author=editor,
        paper=summary.paper,
        source=revision.source,
        visibility=summary.visibility,
        anonymous=summary.anonymous,
        note=f"Restored revision {revision.number}",
    )


def delete_summary(*, summary: Summary, editor) -> Summary:
    """Soft delete: hidden everywhere, kept with its history, undoable by the writer."""
    if summary.author_id != editor.pk:
        raise PermissionDenied("Only the writer can delete a summary.")
    return remove_summary(summary=summary)


def undelete_summary(*, summary: Summary, editor) -> Summary:
    if summary.author_id != editor.pk:
        raise PermissionDenied("Only the writer can restore a summary.")
    if summary.deleted_at is not None:
        summary.deleted_at = None
        summary.save(update_fields=["deleted_at", "updated_at"])
        index_papers_soon([summary.paper_id])
        _credit_changed(summary.author_id)
    return summary


@transaction.atomic
def cast_vote(*, voter, summary: Summary, value: int) -> Summary:
    """Set ``voter``'s vote on ``summary`` to +1 or -1, or retract it with 0.

    The summary row is locked and its counts recomputed from the votes table,
    so concurrent voters can never leave the stored counts out of step.
    """
    if value not in (Vote.UP, Vote.DOWN, 0):
        raise ValidationError("A vote is +1, -1, or 0 to take it back.")
    if summary.author_id == voter.pk:
        raise PermissionDenied("You cannot vote on your own summary.")
    if voter.is_suspended:
        raise PermissionDenied("Your account is suspended; you cannot vote for now.")
    votable = summary.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
    if not (votable and summary.is_shown and summary.deleted_at is None):
        raise PermissionDenied("This summary cannot be voted on.")
    locked = Summary.objects.select_for_update().get(pk=summary.pk)
    if value == 0:
        Vote.objects.filter(summary=locked, voter=voter).delete()
    else:
        Vote.objects.update_or_create(summary=locked, voter=voter, defaults={"value": value})
    _recount_votes(locked)
    transaction.on_commit(lambda: refresh_scores(locked.paper_id))
    # The voter too: whether their own points count can hang on whom they vote for.
    _credit_changed(locked.author_id, voter.pk)
    return locked


def _credit_changed(*user_ids: int) -> None:
    """After commit, announce whose points may have changed (``signals.credit_changed``)."""
    ids = sorted(set(user_ids))
    transaction.on_commit(lambda: signals.credit_changed.send(sender=Summary, user_ids=ids))


# A visitor is counted once per summary per day (lib.visitors.first_visit). The key is
# a hash kept only in the cache for a day: no IP address or visitor id reaches the database.


def record_view(*, summary: Summary, visitor: str) -> bool:
    """Count one view of a listed summary by an opaque visitor string; True if counted."""
    if not summary.is_listed:
        return False
    return count_view(summary.pk, visitor=visitor)


def count_view(summary_id: int, *, visitor: str) -> bool:
    """``record_view`` for a summary known to be listed (its page came from the page cache)."""
    if not visitors.first_visit(visitor, kind="summary", object_id=summary_id):
        return False
    today = timezone.localdate()
    with visitors.counting_transaction():
        counted = DailyViews.objects.filter(summary_id=summary_id, day=today).update(
            count=F("count") + 1
        )
        if not counted:
            try:
                with transaction.atomic():
                    DailyViews.objects.create(summary_id=summary_id, day=today, count=1)
            except IntegrityError:  # another request created today's row first
                DailyViews.objects.filter(summary_id=summary_id, day=today).update(
                    count=F("count") + 1
                )
        summary = Summary.objects.only("score", "views", "published_at").get(pk=summary_id)
        # Popularity from the loaded score is close enough; votes recompute it exactly.
        Summary.objects.filter(pk=summary_id).update(
            views=F("views") + 1,
            popularity=ranking.popularity(summary.score, summary.views + 1, summary.published_at),
        )
    return True


@transaction.atomic
def absorb_summaries(*, source_paper, target_paper) -> None:
    """Move every summary of ``source_paper`` to ``target_paper`` (for merging duplicates).

    Where a writer has a summary on both, the source summary's revisions are
    appended to the target summary's history and its votes move across (a voter
    who voted on both keeps their vote on the target); the emptied summary goes.
    """
    targets = {s.author_id: s for s in Summary.objects.filter(paper=target_paper)}
    for summary in Summary.objects.filter(paper=source_paper):
        kept = targets.get(summary.author_id)
        if kept is None:
            summary.paper = target_paper
            summary.save(update_fields=["paper", "updated_at"])
            continue
        next_number = (
            kept.revisions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        for offset, revision in enumerate(summary.revisions.order_by("number")):
            revision.summary = kept
            revision.number = next_number + offset
            revision.note = (
                revision.note + " · " if revision.note else ""
            ) + "from a merged duplicate paper"
            revision.save(update_fields=["summary", "number", "note"])
        voters = set(kept.votes.values_list("voter_id", flat=True))
        summary.votes.exclude(voter_id__in=voters).exclude(voter_id=kept.author_id).update(
            summary=kept
        )
        summary.delete()
        _recount_votes(kept)
    # Drafts follow their paper, unless the writer has one on the target already (that
    # one is the text they were last looking at); the rest go with the duplicate.
    Draft.objects.filter(paper=source_paper).exclude(
        writer__in=Draft.objects.filter(paper=target_paper).values("writer")
    ).update(paper=target_paper)
    index_papers_soon([target_paper.pk])


def _recount_votes(summary: Summary) -> None:
    counts = Vote.objects.filter(summary=summary).aggregate(
        up=Count("pk", filter=Q(value=Vote.UP)), down=Count("pk", filter=Q(value=Vote.DOWN))
    )
    summary.upvotes, summary.downvotes = counts["up"], counts["down"]
    summary.refresh_rankings()
    summary.save(update_fields=["upvotes", "downvotes", "score", "wilson", "popularity"])


def remove_summary(*, summary: Summary) -> Summary:
    """Soft delete (the caller has checked who may: the writer, or a moderator)."""
    if summary.deleted_at is None:
        summary.deleted_at = timezone.now()
        summary.save(update_fields=["deleted_at", "updated_at"])
        index_papers_soon([summary.paper_id])
        _credit_changed(summary.author_id)
    return summary


# -- drafts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftSaved:
    """What ``save_draft`` did, for the editor to tell its writer."""

    draft: Draft | None  # None: nothing to keep (an empty text, or the saved summary's own)
    latest_revision: int  # the summary's latest revision number (0: none yet)
    replaced_other_tab: bool  # another tab's newer text was there and this one replaced it
    replaced_at: object | None  # when that other tab had saved it


def latest_revision_number(summary: Summary | None) -> int:
    if summary is None:
        return 0
    return summary.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def draft_of(*, writer, paper) -> Draft | None:
    """``writer``'s draft of ``paper``; only ever shown to that writer."""
    if not writer.is_authenticated:
        return None
    return Draft.objects.filter(writer=writer, paper=paper).first()


@transaction.atomic
def save_draft(
    *,
    writer,
    paper,
    source: str,
    visibility: str,
    anonymous: bool = False,
    tab: str = "",
    seen_version: int = 0,
    base_revision: int = 0,
) -> DraftSaved:
    """Keep the editor's unsaved text: one draft per writer and paper, replaced each time.

    The last save wins. ``tab`` names the editor tab saving (any short token it
    chose) and ``seen_version`` the draft version it last saved or loaded: when the
    stored draft is newer and came from another tab, it is replaced all the same
    and the result says so. An empty text, or one the same as the saved summary,
    needs no draft: the stored one goes. The text is held to the summary's length
    limit (a ValidationError), and kept even when it would not render yet.
    """
    source = clean_text(source)
    if len(source) > MAX_SOURCE_CHARS:
        raise ValidationError(
            f"Your text has {len(source):,} characters, more than the {MAX_SOURCE_CHARS:,} a "
            "summary may have, so the draft could not be kept. Shorten it, or copy it somewhere safe."
        )
    if visibility not in Visibility.values:
        visibility = Visibility.PRIVATE  # a hostile or stale form: never preselect sharing
    tab = tab if _TAB_RE.fullmatch(tab or "") else ""
    summary = Summary.objects.filter(author=writer, paper=paper).first()
    latest = latest_revision_number(summary)
    draft = Draft.objects.select_for_update().filter(writer=writer, paper=paper).first()
    same_as_saved = (
        summary is not None
        and summary.deleted_at is None
        and source.strip() == summary.source
        and (visibility, anonymous) == (summary.visibility, summary.anonymous)
    )
    if not source.strip() or same_as_saved:
        if draft is not None:
            draft.delete()
        return DraftSaved(None, latest, False, None)

    if draft is None:
        if Draft.objects.filter(writer=writer).count() >= MAX_DRAFTS_PER_WRITER:
            raise ValidationError(
                f"You have {MAX_DRAFTS_PER_WRITER} unsaved drafts of other papers, the most we "
                "keep. Save or discard one of them to keep a draft of this one."
            )
        try:
            with transaction.atomic():
                draft = Draft.objects.create(
                    writer=writer,
                    paper=paper,
                    source=source,
                    visibility=visibility,
                    anonymous=anonymous,
                    tab=tab,
                    base_revision=min(max(base_revision, 0), latest),
                )
            return DraftSaved(draft, latest, False, None)
        except IntegrityError:  # another tab created it at the same moment
            draft = Draft.objects.select_for_update().get(writer=writer, paper=paper)

    replaced_other_tab = draft.version != seen_version and draft.tab != tab
    replaced_at = draft.saved_at if replaced_other_tab else None
    draft.source = source
    draft.visibility = visibility
    draft.anonymous = anonymous
    draft.tab = tab
    draft.base_revision = min(max(base_revision, 0), latest)
    draft.version += 1
    draft.save()
    return DraftSaved(draft, latest, replaced_other_tab, replaced_at)


def drafts_of(writer):
    """``writer``'s unsaved drafts, the latest first, each with its paper."""
    return (
        Draft.objects.filter(writer=writer)
        .select_related("paper")
        .only("paper__title", "paper__slug", "source", "saved_at", "base_revision")
        .order_by("-saved_at", "-pk")
    )


def discard_draft(*, writer, paper) -> bool:
    """Throw away ``writer``'s draft of ``paper``; True if there was one."""
    deleted, _ = Draft.objects.filter(writer=writer, paper=paper).delete()
    return bool(deleted)
