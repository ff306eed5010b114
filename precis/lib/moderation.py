"""The moderation state every piece of people's content carries, beside its visibility.

Each content model (summaries, comments, questions, answers, collections, and
people's profiles) mixes in ``Moderated``: ``ok`` is shown as its visibility
says; ``held`` waits for a moderator before anyone but its author sees it;
``hidden`` was taken down by a moderator (or the spam rules), with a reason its
author sees. The owning app's QuerySet rules (``listed``, ``visible_to`` …)
filter on it with ``SHOWN``, so one rule serves every page, count, feed, search,
export and API answer. The moderation app decides the state and writes it
through the owning app's service; no lower app imports the moderation app.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q


class ModerationState(models.TextChoices):
    OK = "ok", "Shown"
    HELD = "held", "Held for review"
    HIDDEN = "hidden", "Hidden by a moderator"


def shown(prefix: str = "") -> Q:
    """The filter for rows the public may see, through a relation ``prefix`` ("paper__")."""
    return Q(**{f"{prefix}moderation": ModerationState.OK})


def hidden_together(reason: str, at) -> Q:
    """Rows one ``moderate_everything_by`` hid (an account marked as a spammer, at
    ``at``): hidden with its reason, in the moments before the mark was recorded."""
    return Q(
        moderation=ModerationState.HIDDEN,
        moderation_reason=reason[:300],
        moderated_at__range=(at - timedelta(minutes=1), at),
    )


def moderation_fields(state: str, reason: str = "") -> dict:
    """The fields a bulk ``update`` sets to put rows in ``state`` (the reason is kept
    only for held and hidden rows; an appeal ends with the hide)."""
    from django.utils import timezone

    fields = {
        "moderation": state,
        "moderation_reason": "" if state == ModerationState.OK else reason[:300],
        "moderated_at": timezone.now(),
    }
    if state != ModerationState.HIDDEN:
        fields["appealed_at"] = None
    return fields


class Moderated(models.Model):
    moderation = models.CharField(
        max_length=8, choices=ModerationState.choices, default=ModerationState.OK
    )
    # What the author is told: why it is held or hidden.
    moderation_reason = models.CharField(max_length=300, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    # An author may appeal a hide once; the appeal puts it back in the queue.
    appealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_shown(self) -> bool:
        return self.moderation == ModerationState.OK

    @property
    def is_held(self) -> bool:
        return self.moderation == ModerationState.HELD

    @property
    def is_hidden(self) -> bool:
        return self.moderation == ModerationState.HIDDEN

    def save_moderation(self, state: str, reason: str = "") -> None:
        """Put this row in ``state`` and save just that (the owning app's service calls
        it, with what else follows, such as the search index)."""
        fields = moderation_fields(state, reason)
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=list(fields))

    @property
    def may_appeal(self) -> bool:
        return self.is_hidden and self.appealed_at is None

    # The field naming who wrote it: "author" on most content, "owner" on collections.
    author_field = "author"

    def is_visible_to(self, user) -> bool:
        """Shown, or held or hidden but ``user`` wrote it or moderates."""
        if self.is_shown:
            return True
        if not user.is_authenticated:
            return False
        return getattr(self, f"{self.author_field}_id") == user.pk or is_moderator(user)


def is_moderator(user) -> bool:
    """Staff, and members of the ``moderators`` group (looked up once per user object)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_is_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._is_moderator = cached
    return cached


MODERATORS_GROUP = "moderators"
