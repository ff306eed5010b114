"""The moderation app's screener: what happens to new writing before anyone reads it.

Registered with ``lib.screening`` when the app starts (``apps.py``). The write
paths of the lower apps call it without importing this app.
"""

from precis.lib import screening
from precis.lib.moderation import ModerationState

from . import services
from .models import Flag


class ModerationScreener(screening.Screener):
    def screen(self, writing: screening.Writing) -> screening.Verdict:
        author = writing.author
        if author.is_suspended:
            until = author.suspended_until
            when = "for good" if until.year >= 9999 else f"until {until:%B %-d, %Y}"
            raise screening.Refused(
                f"Your account is suspended {when}"
                + (f": {author.suspension_reason}" if author.suspension_reason else ".")
            )
        return screening.SHOWN

    def announce(self, row, writing, verdict):
        if verdict.is_shown:
            return
        cause = Flag.Cause.HIDDEN if verdict.state == ModerationState.HIDDEN else Flag.Cause.HELD
        services.open_flag(row, cause=cause, score=verdict.score, signals=verdict.signals)
        services.record_rule_decision(row, verdict)
