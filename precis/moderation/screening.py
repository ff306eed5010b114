"""The moderation app's screener: what happens to new writing before anyone reads it.

Registered with ``lib.screening`` when the app starts (``apps.py``). The write
paths of the lower apps call it without importing this app.

For each piece of writing others will read it

1. refuses it from a suspended account, or past a new account's daily limit
   (``Refused``: the form keeps the text and shows why);
2. brings the author's trust level up to date (``trust.recompute``);
3. lets established writers (MEMBER and above, and moderators) through at once;
4. holds a new account's first summary, and its posts with links or images in
   its first day or first few posts;
5. adds up the spam signals (``signals``) and holds or hides the writing past
   the thresholds for the author's level.

Every screened post gets a fingerprint (``announce``), which the daily limits
and the near-duplicate signal read. Thresholds are documented in docs/trust.md.
"""

from datetime import timedelta

from django.utils import timezone

from precis.accounts.models import TrustLevel
from precis.lib import screening
from precis.lib.moderation import ModerationState, is_moderator

from . import services, signals, trust
from .models import Fingerprint, Flag

DAY = timedelta(days=1)
# Posts a day, counted over the last 24 hours, by level; levels above have none
# (the per-minute rate limits still apply to everyone).
MAIN_KINDS = ("summary", "question", "collection", "finding")
REPLY_KINDS = ("comment", "answer", "findingreply")
DAILY_LIMITS = {
    TrustLevel.NEW: {MAIN_KINDS: 3, REPLY_KINDS: 10},
    TrustLevel.BASIC: {MAIN_KINDS: 20, REPLY_KINDS: 60},
}
# A new account's posts with links or images are held during its first day, or
# until it has posted this many things.
NEW_LINKS_HELD_UNTIL_POSTS = 3
# (hold at, hide at) spam points, by level; MEMBER and above are never held by
# the rules, only by reports and moderators.
THRESHOLDS = {
    TrustLevel.NEW: (3, 10),
    TrustLevel.BASIC: (5, 10),
}
ESTABLISHED = TrustLevel.MEMBER

FIRST_SUMMARY_REASON = (
    "Held for review: a new account's first summary waits for a moderator before others see it."
)
LINKS_REASON = "Held for review: new accounts' posts with links or images wait for a moderator."
SIGNALS_HELD_REASON = "Held for review: our spam checks want a moderator to look at it first"
SIGNALS_HIDDEN_REASON = "Hidden until a moderator looks: our spam checks flagged it"

WHAT = {
    MAIN_KINDS: "summaries, questions or shared collections",
    REPLY_KINDS: "comments or answers",
}


class ModerationScreener(screening.Screener):
    def screen(self, writing: screening.Writing) -> screening.Verdict:
        author = writing.author
        refuse_if_suspended(author)
        if is_moderator(author):
            return screening.SHOWN
        standing = trust.standing(author)
        level = trust.recompute(author, standing)
        if level >= ESTABLISHED:
            return screening.SHOWN
        refuse_over_daily_limit(writing, level)
        return judge(writing, level, standing)

    def announce(self, row, writing, verdict):
        Fingerprint.objects.update_or_create(
            kind=writing.kind,
            object_id=row.pk,
            defaults={"author": writing.author, **signals.fingerprint_fields(writing.text)},
        )
        # A row a moderator (or an earlier verdict) already took down keeps its state
        # (``screening.apply``): the log says only what happened.
        if verdict.is_shown or row.moderation != verdict.state:
            return
        cause = Flag.Cause.HIDDEN if verdict.state == ModerationState.HIDDEN else Flag.Cause.HELD
        services.open_flag(row, cause=cause, score=verdict.score, signals=verdict.signals)
        services.record_rule_decision(row, verdict)


def refuse_if_suspended(author) -> None:
    if author.is_suspended:
        until = author.suspended_until
        when = "for good" if until.year >= 9999 else f"until {until:%B %-d, %Y}"
        raise screening.Refused(
            f"Your account is suspended {when}"
            + (f": {author.suspension_reason}" if author.suspension_reason else ".")
        )


def _is_edit(writing: screening.Writing) -> bool:
    """Writing already screened once (an edit), rather than a new post."""
    target = writing.target
    return (
        target is not None
        and Fingerprint.objects.filter(kind=writing.kind, object_id=target.pk).exists()
    )


def refuse_over_daily_limit(writing: screening.Writing, level: int) -> None:
    limits = DAILY_LIMITS.get(level)
    if not limits or _is_edit(writing):
        return
    for kinds, limit in limits.items():
        if writing.kind not in kinds:
            continue
        posted = Fingerprint.objects.filter(
            author=writing.author, kind__in=kinds, created_at__gte=timezone.now() - DAY
        ).count()
        if posted >= limit:
            who = "New accounts" if level == TrustLevel.NEW else "Accounts at this level"
            raise screening.Refused(
                f"{who} can post up to {limit} {WHAT[kinds]} a day, and you have reached "
                "that. Your text is still here: please try again tomorrow. The limit is "
                "lifted as your account becomes established."
            )


def judge(writing: screening.Writing, level: int, standing: trust.Standing) -> screening.Verdict:
    """The verdict on writing by an account below ESTABLISHED (the rules and the signals)."""
    author, text = writing.author, writing.text
    held_because = []  # what the author is told, most important first
    lines = []  # what moderators see
    if level == TrustLevel.NEW and writing.kind == "summary" and not standing.shown_summaries:
        held_because.append(FIRST_SUMMARY_REASON)
        lines.append("a new account's first summary")
    links = signals.links_in(text)
    if (
        level == TrustLevel.NEW
        and (links.unfamiliar or links.images)
        and (
            timezone.now() - author.date_joined < DAY
            or standing.posted < NEW_LINKS_HELD_UNTIL_POSTS
        )
    ):
        held_because.append(LINKS_REASON)
        lines.append("a new account's post with links or images")
    target = writing.target
    matches = signals.near_duplicates(
        text, exclude=(writing.kind, target.pk) if target is not None else None
    )
    found = [
        signal
        for signal in (
            signals.link_count_signal(links),
            signals.link_share_signal(text, links),
            signals.blocked_host_signal(links),
            signals.duplicate_signal(matches, author_id=author.pk),
            signals.disposable_email_signal(author),
        )
        if signal.points
    ]
    score = float(sum(signal.points for signal in found))
    lines += [f"{signal.text} (+{signal.points:g})" for signal in found]
    hints = ", ".join(dict.fromkeys(signal.hint for signal in found if signal.hint))
    because = f" ({hints})." if hints else "."
    hold_at, hide_at = THRESHOLDS[level]
    if score >= hide_at:
        state, reason = ModerationState.HIDDEN, SIGNALS_HIDDEN_REASON + because
    elif held_because:
        state, reason = ModerationState.HELD, held_because[0]
    elif score >= hold_at:
        state, reason = ModerationState.HELD, SIGNALS_HELD_REASON + because
    else:
        state, reason = ModerationState.OK, ""
    return screening.Verdict(state=state, reason=reason, score=score, signals=tuple(lines))
