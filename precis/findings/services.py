"""Write paths for findings, their replies and their status, and the rules about who may.

Views, the API, the demo and commands all call these. Rules about *who* may act
raise PermissionDenied; rules about the text or the state of things raise
ValidationError (the API answers 403 and 422, the forms show the message).

Findings go through the same trust and safety steps as comments: the screener
(``lib.screening``: suspended accounts, daily limits, spam signals, holds), the
double-submit check, blocks (a reporter who blocked you takes no reply from you),
and the moderation state the moderation app writes through ``set_moderation``.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from precis.accounts.models import PaperClaim, is_blocked_by
from precis.discussions import services as discussions
from precis.lib import ratelimit, richtext, screening
from precis.lib.moderation import is_moderator, moderation_fields
from precis.lib.text import clean_text, one_line_title
from precis.notifications import services as notifications

from .models import Finding, FindingReply, Kind, Status, StatusChange

# Reporting a finding, replying, changing a status: one budget, shared by the site's
# forms and the API (actions per person a minute).
FINDING = ratelimit.Limit("finding", 10, 60)

MAX_TITLE_CHARS = 200
MAX_EVIDENCE_CHARS = 20_000
MAX_REPLY_CHARS = 10_000
MAX_VERSION_CHARS = 40
MAX_URL_CHARS = 500
ORCID_PROVIDER = "orcid"
# The moderation app's names for the two kinds of writing here (``moderation.kinds``).
FINDING_KIND = "finding"
REPLY_KIND = "findingreply"

_validate_url = URLValidator(schemes=["http", "https"])
_VERSION_NUMBER = re.compile(r"v?(\d{1,4})", re.IGNORECASE)


# -- input ----------------------------------------------------------------------------


def validate_kind(kind: str) -> str:
    if kind not in Kind.values:
        raise ValidationError(
            f"A finding is one of: {', '.join(Kind.values)}.", code="invalid_kind"
        )
    return kind


def validate_title(title: str) -> str:
    return one_line_title(
        title, limit=MAX_TITLE_CHARS, missing="A finding needs a title: what is it, in a line?"
    )


def validate_evidence(source: str, *, required: bool, what: str = "The evidence") -> str:
    source = clean_text(source or "").strip()
    limit = MAX_EVIDENCE_CHARS if what == "The evidence" else MAX_REPLY_CHARS
    if required and not source:
        raise ValidationError(f"{what} cannot be empty.")
    if len(source) > limit:
        raise ValidationError(
            f"{what} can be at most {limit:,} characters; this one has {len(source):,}."
        )
    if source:
        richtext.check(source)  # over a render limit: RenderLimitExceeded, a ValidationError
    return source


def validate_link_url(url: str, *, required: bool) -> str:
    """An http(s) address, or "" when none is given and none is required."""
    url = clean_text(url or "").strip()
    if not url:
        if required:
            raise ValidationError("A code or data link needs its address (https://…).")
        return ""
    if len(url) > MAX_URL_CHARS:
        raise ValidationError(f"A link can be at most {MAX_URL_CHARS} characters.")
    try:
        _validate_url(url)
    except ValidationError:
        raise ValidationError(
            "A link must be a web address starting with https:// or http://.", code="bad_url"
        ) from None
    return url


def normalise_version(version: str) -> str:
    """Make "2", "V2" and "v2" all "v2"; anything else (a date) is kept, on one line."""
    version = " ".join(clean_text(version or "").split())
    if len(version) > MAX_VERSION_CHARS:
        raise ValidationError(
            f"A version can be at most {MAX_VERSION_CHARS} characters (say v2, or a date)."
        )
    match = _VERSION_NUMBER.fullmatch(version)
    return f"v{int(match.group(1))}" if match else version


# -- who may --------------------------------------------------------------------------


def verified_author_ids(paper_id: int) -> set[int]:
    """The people who claimed the paper and proved their ORCID iD by signing in with it.

    A claim alone is not enough: anyone may type an ORCID iD into their profile and
    import its works. One query.
    """
    from allauth.socialaccount.models import SocialAccount

    proven = SocialAccount.objects.filter(
        provider=ORCID_PROVIDER, user_id=OuterRef("user_id"), uid__iexact=OuterRef("user__orcid")
    )
    return set(
        PaperClaim.objects.filter(paper_id=paper_id)
        .exclude(user__orcid="")
        .filter(Exists(proven))
        .values_list("user_id", flat=True)
    )


def is_paper_author(user, paper_id: int) -> bool:
    return user.is_authenticated and user.pk in verified_author_ids(paper_id)


def status_choices_for(finding: Finding, user, *, author: bool | None = None) -> list[str]:
    """The statuses ``user`` may move ``finding`` to (none for most readers).

    Moderators: any. Its reporter: withdraw it, call it resolved, or reopen it once
    resolved or withdrawn. The paper's verified authors: confirm, dispute or resolve
    it, with a reply. ``author`` says whether ``user`` is one, when known already.
    """
    if not user.is_authenticated or finding.deleted_at is not None:
        return []
    current = finding.status
    allowed: set[str] = set()
    if is_moderator(user):
        allowed = set(Status.values)
    else:
        if finding.author_id == user.pk:
            allowed |= {Status.RESOLVED, Status.WITHDRAWN}
            if current in (Status.RESOLVED, Status.WITHDRAWN):
                allowed.add(Status.OPEN)
        if current != Status.WITHDRAWN:
            if author is None:
                author = is_paper_author(user, finding.paper_id)
            if author:
                allowed |= {Status.CONFIRMED, Status.DISPUTED, Status.RESOLVED}
    allowed.discard(current)
    return [status for status in Status.values if status in allowed]


def _role(finding: Finding, user, to: str, *, author: bool) -> str:
    if finding.author_id == user.pk and to in (Status.RESOLVED, Status.WITHDRAWN, Status.OPEN):
        return StatusChange.Role.REPORTER
    if author and to in (Status.CONFIRMED, Status.DISPUTED, Status.RESOLVED):
        return StatusChange.Role.AUTHOR
    return StatusChange.Role.MODERATOR


# -- writing --------------------------------------------------------------------------


@transaction.atomic
def report_finding(
    *,
    author,
    paper,
    kind: str,
    title: str,
    source: str = "",
    paper_version: str = "",
    link_url: str = "",
) -> Finding:
    """Report a finding about ``paper``. Double submits create nothing.

    Evidence is required but for a code or data link, whose address is required instead.
    Tells the paper's followers and its verified authors, once it is shown.
    """
    if not author.is_authenticated:
        raise PermissionDenied("Sign in to report a finding.")
    kind = validate_kind(kind)
    title = validate_title(title)
    source = validate_evidence(source, required=kind != Kind.CODE_DATA)
    link_url = validate_link_url(link_url, required=kind == Kind.CODE_DATA)
    paper_version = normalise_version(paper_version)
    earlier = discussions.just_posted(
        Finding, author=author, paper=paper, kind=kind, title=title, source=source
    )
    if earlier is not None:
        return earlier
    finding = Finding(
        paper=paper,
        author=author,
        kind=kind,
        title=title,
        source=source,
        paper_version=paper_version,
        link_url=link_url,
    )
    screened = screening.screened(
        finding, author=author, kind=FINDING_KIND, text=f"{title}\n\n{source}\n\n{link_url}"
    )
    finding.render()
    finding.save()
    screening.announce(finding, *screened)
    if finding.is_shown:  # a held finding is announced when a moderator lets it through
        notifications.finding_reported(finding, author_ids=verified_author_ids(paper.pk))
    return finding


def may_reply(finding: Finding, user) -> bool:
    return user.is_authenticated and finding.deleted_at is None and finding.is_visible_to(user)


@transaction.atomic
def post_reply(*, author, finding: Finding, source: str, status: str = "") -> FindingReply:
    """Reply to ``finding``, and with ``status`` move it on in the same step (a paper's
    verified author confirming, disputing or resolving it must say why).

    Someone the reporter blocked is refused, with the reason. Double submits create
    nothing. The reporter hears of the reply (and of the new status).
    """
    if not may_reply(finding, author):
        raise PermissionDenied("You cannot reply to this finding.")
    if is_blocked_by(author, [finding.author_id]):
        raise ValidationError(
            "The reporter of this finding has blocked you, so you cannot reply to it.",
            code="blocked",
        )
    source = validate_evidence(source, required=True, what="A reply")
    paper_author = is_paper_author(author, finding.paper_id)
    if status:
        _check_status_change(finding, author, status, author_flag=paper_author)
    earlier = discussions.just_posted(FindingReply, author=author, finding=finding, source=source)
    if earlier is not None:
        return earlier
    reply = FindingReply(
        finding=finding, author=author, source=source, by_paper_author=paper_author
    )
    screened = screening.screened(reply, author=author, kind=REPLY_KIND, text=source)
    reply.render()
    reply.save()
    screening.announce(reply, *screened)
    moved_to = ""
    if status and status != finding.status:
        _change(finding, author, status, reply=reply, author_flag=paper_author, notify=False)
        moved_to = finding.get_status_display().lower()
    if reply.is_shown:  # one notice for the reply and the status it brought
        notifications.finding_replied(reply, moved_to=moved_to)
    return reply


def _check_status_change(finding: Finding, user, to: str, *, author_flag: bool) -> None:
    if to not in Status.values:
        raise ValidationError(f"A status is one of: {', '.join(Status.values)}.")
    if to == finding.status:
        return
    if to not in status_choices_for(finding, user, author=author_flag):
        raise PermissionDenied("You cannot move this finding to that status.")


@transaction.atomic
def change_status(*, finding: Finding, by, to: str) -> Finding:
    """Move ``finding`` to status ``to`` without a reply: its reporter (withdraw, resolve,
    reopen) or a moderator. A paper's author changes it through ``post_reply``.

    Idempotent: asking for the status it has changes nothing (a double click).
    """
    paper_author = is_paper_author(by, finding.paper_id)
    _check_status_change(finding, by, to, author_flag=paper_author)
    if (
        to != finding.status
        and not is_moderator(by)
        and finding.author_id != by.pk
        and paper_author
    ):
        raise ValidationError(
            "Say why in a reply: an author's change of status comes with one.",
            code="reply_needed",
        )
    return _change(finding, by, to, reply=None, author_flag=paper_author)


def _change(
    finding: Finding, by, to: str, *, reply, author_flag: bool, notify: bool = True
) -> Finding:
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status == to:
        return locked
    change = StatusChange.objects.create(
        finding=locked,
        changed_by=by,
        role=_role(locked, by, to, author=author_flag),
        from_status=locked.status,
        to_status=to,
        reply=reply,
    )
    locked.status = to
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    finding.status, finding.status_changed_at = locked.status, locked.status_changed_at
    if notify and locked.is_shown and locked.deleted_at is None:
        notifications.finding_status_changed(change)
    return locked


def delete_finding(*, finding: Finding, editor) -> Finding:
    """Soft delete, by a moderator (its reporter withdraws it instead, which keeps it)."""
    if not is_moderator(editor):
        raise PermissionDenied("Only a moderator can delete a finding.")
    finding.soft_delete()
    return finding


def delete_reply(*, reply: FindingReply, editor) -> FindingReply:
    """Soft delete by its author or a moderator."""
    if not discussions.may_delete(reply, editor):
        raise PermissionDenied("Only its author or a moderator can delete a reply.")
    reply.soft_delete()
    return reply


# -- reading --------------------------------------------------------------------------


def open_count(paper_id) -> int:
    """How many open findings about the paper the public may see (for the lookup API)."""
    try:
        paper_id = int(paper_id)
    except (TypeError, ValueError):
        return 0
    if not 0 < paper_id < 2**63:
        return 0
    return Finding.objects.visible().open().filter(paper_id=paper_id).count()


# -- merging papers and moderation (decided elsewhere, written here) ----------------


def move_findings_of_merged_paper(sender, instance, created=False, **kwargs) -> None:
    """post_save receiver for PaperRedirect: ``merge_papers`` records where the duplicate
    went and then deletes it, which would take its findings along; they move first."""
    if created and instance.old_id != instance.paper_id:
        Finding.objects.filter(paper_id=instance.old_id).update(paper_id=instance.paper_id)


def set_moderation(*, thing: Finding | FindingReply, state: str, reason: str = ""):
    """Hold, hide or show a finding or a reply; one let through after a hold is announced
    then (its notifications waited with it)."""
    was_held = thing.is_held
    thing.save_moderation(state, reason)
    if was_held and thing.is_shown:
        if isinstance(thing, Finding):
            notifications.finding_reported(thing, author_ids=verified_author_ids(thing.paper_id))
        else:
            notifications.finding_replied(thing)
    return thing


def moderate_everything_by(*, author, matching, state: str, reason: str = "") -> dict:
    """Set the moderation state of every finding and reply ``author`` wrote that
    ``matching`` selects; their ids by kind."""
    done = {}
    for name, model in ((FINDING_KIND, Finding), (REPLY_KIND, FindingReply)):
        ids = list(model.objects.filter(matching, author=author).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(**moderation_fields(state, reason))
        done[name] = ids
    return done
