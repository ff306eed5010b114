"""Who hears about what: follows, in-app notifications, and e-mail (immediate or digest).

Write paths call the ``*_posted`` / ``summary_published`` functions inside their
transaction; e-mails are sent by background tasks after commit, never in the
request. Private content never notifies anyone, and an anonymous writer is
"Anonymous" in every notification and e-mail. No one hears of what someone they
muted or blocked did, nor of what someone who blocked them did.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from precis.accounts.models import Block, is_blocked_by
from precis.lib import richtext
from precis.papers.models import SummaryRequest

from .models import EMAIL_PREFERENCE, Follow, Kind, Notification
from .oneclick import UnsubscribeLink

ANONYMOUS = "Anonymous"
UNSUBSCRIBE = UnsubscribeLink("notifications:unsubscribe", salt="precis.notifications.unsubscribe")
# What a token for all of a user's e-mail says instead of a Kind.
ALL_EMAIL = "all"


# -- following -------------------------------------------------------------------


def follow(*, follower, paper=None, venue=None, user=None, collection=None) -> Follow:
    """Follow one paper, venue, user or collection; following twice is the same as once."""
    if sum(target is not None for target in (paper, venue, user, collection)) != 1:
        raise ValueError("Follow exactly one paper, venue, user or collection.")
    if user is not None and user.pk == follower.pk:
        raise ValueError("You cannot follow yourself.")
    if user is not None and is_blocked_by(follower, [user.pk]):
        raise ValueError("This person has blocked you, so you cannot follow them.")
    try:
        with transaction.atomic():
            return Follow.objects.create(
                follower=follower, paper=paper, venue=venue, user=user, collection=collection
            )
    except IntegrityError:
        return Follow.objects.get(
            follower=follower, paper=paper, venue=venue, user=user, collection=collection
        )


def unfollow(*, follower, paper=None, venue=None, user=None, collection=None) -> None:
    Follow.objects.filter(
        follower=follower, paper=paper, venue=venue, user=user, collection=collection
    ).delete()


def is_following(follower, **target) -> bool:
    return follower.is_authenticated and Follow.objects.filter(follower=follower, **target).exists()


# -- events from write paths ---------------------------------------------------------


def summary_published(summary) -> None:
    """A summary became public for the first time: tell followers of its paper, venue, writer,
    and the readers who asked for a summary of the paper.

    Followers of the writer are told only when the summary carries their name. Only
    listed summaries (public, shown, not deleted) tell anyone.
    """
    if not summary.is_listed:
        return
    paper = summary.paper
    targets = Q(paper=paper)
    if paper.venue_id:
        targets |= Q(venue_id=paper.venue_id)
    if not summary.anonymous:
        targets |= Q(user_id=summary.author_id)
    followers = {f.follower_id for f in Follow.objects.filter(targets)}
    actor = ANONYMOUS if summary.anonymous else summary.author.public_name
    # Readers who asked for a summary of the paper hear of it as such, once.
    requesters = set(
        SummaryRequest.objects.filter(paper=paper).values_list("requester_id", flat=True)
    )
    _notify(
        recipient_ids=requesters,
        actor_id=summary.author_id,
        actor_name=actor,
        anonymous=summary.anonymous,
        kind=Kind.REQUESTED,
        text=f"{actor} summarised “{_short(paper.title)}”, which you asked for",
        url=summary.get_absolute_url(),
    )
    _notify(
        recipient_ids=followers - requesters,
        actor_id=summary.author_id,
        actor_name=actor,
        anonymous=summary.anonymous,
        kind=Kind.FOLLOWED,
        text=f"{actor} summarised “{_short(paper.title)}”",
        url=summary.get_absolute_url(),
    )
    mentions_in(summary.source, actor_id=summary.author_id, actor_name=actor,
                anonymous=summary.anonymous, where=f"a summary of “{_short(paper.title)}”",
                url=summary.get_absolute_url())  # fmt: skip


def comment_posted(comment, *, actor_name: str) -> None:
    """Tell the summary's writer, the parent comment's writer, and anyone mentioned.

    Comments under a private (or deleted) summary tell no one: only its writer can
    post there, and a mention would reveal the summary to the person mentioned.
    """
    summary = comment.summary
    if summary.is_private or summary.deleted_at is not None or not comment.is_shown:
        return
    url = comment.get_absolute_url()  # finds the comment's page when it is opened
    anonymous = summary.anonymous and comment.author_id == summary.author_id
    told: set[int] = set()
    if comment.parent_id and comment.parent.author_id != comment.author_id:
        told |= _notify(
            recipient_ids={comment.parent.author_id},
            actor_id=comment.author_id,
            actor_name=actor_name,
            anonymous=anonymous,
            kind=Kind.REPLY,
            text=f"{actor_name} replied to your comment",
            url=url,
        )
    if summary.author_id not in told:
        _notify(
            recipient_ids={summary.author_id},
            actor_id=comment.author_id,
            actor_name=actor_name,
            anonymous=anonymous,
            kind=Kind.COMMENT,
            text=f"{actor_name} commented on your summary of “{_short(summary.paper.title)}”",
            url=url,
        )
    mentions_in(comment.source, actor_id=comment.author_id, actor_name=actor_name,
                anonymous=anonymous, where="a comment", url=url)  # fmt: skip


def answer_posted(answer) -> None:
    question = answer.question
    actor = answer.author.public_name
    url = f"{question.get_absolute_url()}#answer-{answer.pk}"
    _notify(
        recipient_ids={question.author_id},
        actor_id=answer.author_id,
        actor_name=actor,
        kind=Kind.ANSWER,
        text=f"{actor} answered your question “{_short(question.title)}”",
        url=url,
    )
    mentions_in(
        answer.source, actor_id=answer.author_id, actor_name=actor, where="an answer", url=url
    )


def question_asked(question) -> None:
    actor = question.author.public_name
    mentions_in(question.source, actor_id=question.author_id, actor_name=actor,
                where="a question", url=question.get_absolute_url())  # fmt: skip


# -- findings (precis.findings) ------------------------------------------------------
# New findings reach a paper's followers and its verified authors as "followed"
# notices; replies and status changes reach the reporter as "reply" notices, so each
# follows the e-mail preference people already set for those.


def finding_reported(finding, *, author_ids) -> None:
    """A finding about a paper was reported (or let through by a moderator): tell the
    paper's followers and ``author_ids``, its verified authors, and anyone mentioned."""
    if not finding.is_shown or finding.deleted_at is not None:
        return
    paper = finding.paper
    actor = finding.author.public_name
    followers = set(Follow.objects.filter(paper=paper).values_list("follower_id", flat=True))
    url = finding.get_absolute_url()
    _notify(
        recipient_ids=followers | set(author_ids),
        actor_id=finding.author_id,
        actor_name=actor,
        kind=Kind.FOLLOWED,
        text=f"{actor} reported a finding ({finding.get_kind_display().lower()}) on "
        f"“{_short(paper.title)}”: {_short(finding.title, 120)}",
        url=url,
    )
    mentions_in(finding.source, actor_id=finding.author_id, actor_name=actor,
                where="a finding", url=url)  # fmt: skip


def finding_replied(reply, *, moved_to: str = "") -> None:
    """Tell a finding's reporter of a reply (and of the status it brought, if any)."""
    finding = reply.finding
    if not (reply.is_shown and finding.is_shown) or finding.deleted_at is not None:
        return
    actor = reply.author.public_name
    url = reply.get_absolute_url()
    did = "replied to your finding"
    if moved_to:
        did = f"replied and marked your finding as {moved_to}"
    _notify(
        recipient_ids={finding.author_id},
        actor_id=reply.author_id,
        actor_name=actor,
        kind=Kind.REPLY,
        text=f"{actor} {did} “{_short(finding.title)}”",
        url=url,
    )
    mentions_in(reply.source, actor_id=reply.author_id, actor_name=actor,
                where="a reply to a finding", url=url)  # fmt: skip


def finding_status_changed(change) -> None:
    """Tell a finding's reporter that someone else moved its status."""
    finding = change.finding
    if change.changed_by_id is None:
        return
    actor = change.changed_by.public_name
    _notify(
        recipient_ids={finding.author_id},
        actor_id=change.changed_by_id,
        actor_name=actor,
        kind=Kind.REPLY,
        text=f"{actor} marked your finding “{_short(finding.title)}” as "
        f"{change.get_to_status_display().lower()}",
        url=finding.get_absolute_url(),
    )


def mentions_in(
    source: str, *, actor_id: int, actor_name: str, where: str, url: str, anonymous: bool = False
) -> set[int]:
    """Notify every existing user @mentioned in ``source`` (not the actor)."""
    # The handles the rendered text links: none in code, math, links or e-mail addresses.
    handles = set(richtext.mentioned_usernames(source or ""))
    if not handles:
        return set()
    users = get_user_model().objects.public().filter(username__in=handles)
    return _notify(
        recipient_ids={user.pk for user in users},
        actor_id=actor_id,
        actor_name=actor_name,
        anonymous=anonymous,
        kind=Kind.MENTION,
        text=f"{actor_name} mentioned you in {where}",
        url=url,
    )


def _notify(*, recipient_ids, actor_id, actor_name, kind, text, url, anonymous=False) -> set[int]:
    """Notify ``recipient_ids`` but the actor, and (unless the actor writes as the
    anonymous writer) but those who muted or blocked them or whom they blocked.

    ``anonymous`` says how the actor writes here, never the name shown: anyone may
    call themselves "Anonymous".
    """
    recipient_ids = {pk for pk in recipient_ids if pk and pk != actor_id}
    if recipient_ids and not anonymous:
        recipient_ids -= _silenced(recipient_ids, actor_id)
    if not recipient_ids:
        return set()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, kind=kind, actor_name=actor_name, text=text[:300], url=url
            )
            for pk in sorted(recipient_ids)
        ]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _enqueue_emails(ids))
    return recipient_ids


def _silenced(recipient_ids: set[int], actor_id: int) -> set[int]:
    """Those of ``recipient_ids`` who muted or blocked the actor, or whom the actor
    blocked. One query.

    Not asked when the actor acts anonymously: leaving out the people who muted them
    would tell those people who the anonymous writer is.
    """
    pairs = Block.objects.filter(
        Q(who_id__in=recipient_ids, whom_id=actor_id)
        | Q(who_id=actor_id, whom_id__in=recipient_ids, kind=Block.Kind.BLOCK)
    ).values_list("who_id", "whom_id")
    return {who if who != actor_id else whom for who, whom in pairs}


def _enqueue_emails(ids: list[int]) -> None:
    from .tasks import send_notification_emails

    send_notification_emails.enqueue(ids)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- reading -------------------------------------------------------------------------


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# -- e-mail ----------------------------------------------------------------------------


def accepts_email(user) -> bool:
    """Whether any e-mail may go to ``user`` at all (the feed's e-mail asks this too)."""
    return bool(user.email) and user.is_active and user.email_frequency != "off"


def wants_email(user, kind: str) -> bool:
    return accepts_email(user) and getattr(user, EMAIL_PREFERENCE[kind])


def unsubscribe_token(user, kind: str | None = None) -> str:
    """A signed, login-free token that turns off one kind of e-mail (or all of them)."""
    return UNSUBSCRIBE.token(u=user.pk, k=kind or ALL_EMAIL)


def unsubscribe(*, user_id: int, kind: str) -> None:
    """Turn off ``kind`` of e-mail (a Kind, or ALL_EMAIL) for the user, as a token asked.
    Raises User.DoesNotExist when the account is gone."""
    user = get_user_model().objects.get(pk=user_id)
    if kind == ALL_EMAIL:
        user.email_frequency = "off"
        user.save(update_fields=["email_frequency"])
    elif kind in EMAIL_PREFERENCE:
        setattr(user, EMAIL_PREFERENCE[kind], False)
        user.save(update_fields=[EMAIL_PREFERENCE[kind]])
