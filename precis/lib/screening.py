"""The hook through which the moderation app screens new writing, without being imported.

Write paths (a summary made public, a comment, a question, an answer, a public
collection) ask ``screen(...)`` for a verdict before they save, save the row in
the state it gives (shown, held for review, or hidden), then ``announce`` the
saved row so the screener can queue it for moderators. Lower apps call this
module; the moderation app registers itself here when it starts, so the
dependency points up, as the style guide asks. With nothing registered every
verdict is "shown".
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .moderation import ModerationState


@dataclass(frozen=True)
class Writing:
    """What is about to be saved: who writes, what kind of thing, its text."""

    author: object
    kind: str  # "summary", "comment", "question", "answer", "collection"
    text: str
    target: object | None = None  # the row being edited, when it exists


@dataclass(frozen=True)
class Verdict:
    state: str = ModerationState.OK
    reason: str = ""  # what the author is told when it is held or hidden
    score: float = 0.0
    signals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_shown(self) -> bool:
        return self.state == ModerationState.OK


SHOWN = Verdict()


class Refused(ValidationError):
    """The writer may not post this at all now (suspended, over a new account's limit).

    A ValidationError, so forms show it beside the text (which is kept) and the API
    answers 422 with the reason.
    """


class Screener:
    """What the moderation app implements and registers."""

    def screen(self, writing: Writing) -> Verdict:  # may raise Refused
        return SHOWN

    def announce(self, row, writing: Writing, verdict: Verdict) -> None:
        """Called after ``row`` was saved in the state ``verdict`` gave."""


_screener = Screener()


def register(screener: Screener) -> None:
    global _screener  # one screener per process, set once at start-up
    _screener = screener


def screen(writing: Writing) -> Verdict:
    return _screener.screen(writing)


def announce(row, writing: Writing, verdict: Verdict) -> None:
    _screener.announce(row, writing, verdict)


def apply(row, verdict: Verdict) -> None:
    """Set ``row``'s moderation fields from ``verdict`` (before it is saved).

    Only ever makes a row stricter: what a moderator held or hid stays so until a
    moderator decides, however its author edits it.
    """
    from django.utils import timezone

    if verdict.is_shown or not row.is_shown:
        return
    row.moderation = verdict.state
    row.moderation_reason = verdict.reason[:300]
    row.moderated_at = timezone.now()


def screened(row, *, author, kind: str, text: str) -> tuple[Writing, Verdict]:
    """Screen ``text`` about to be saved on ``row`` and apply the verdict to it."""
    writing = Writing(author=author, kind=kind, text=text, target=row if row.pk else None)
    verdict = screen(writing)
    apply(row, verdict)
    return writing, verdict
