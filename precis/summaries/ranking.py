"""Scores that order summaries. Pure functions, stored on each summary when its votes
or views change, so listings sort by an indexed column instead of computing per row."""

import math
from datetime import datetime

# 95% confidence: the lower bound is what we are fairly sure the approval rate exceeds.
WILSON_Z = 1.96
# One vote is worth this many views when judging popularity.
VIEWS_PER_VOTE = 20
# Seconds of recency that equal a tenfold change in score; about 12.5 hours.
POPULARITY_TIME_SCALE_SECONDS = 45_000
EPOCH = datetime(2015, 1, 1).timestamp()


def wilson_lower_bound(upvotes: int, downvotes: int) -> float:
    """Lower bound of the Wilson score interval for the share of upvotes (0 with no votes)."""
    total = upvotes + downvotes
    if total == 0:
        return 0.0
    share = upvotes / total
    z2 = WILSON_Z * WILSON_Z
    centre = share + z2 / (2 * total)
    spread = WILSON_Z * math.sqrt((share * (1 - share) + z2 / (4 * total)) / total)
    return (centre - spread) / (1 + z2 / total)


def popularity(score: int, views: int, published_at: datetime | None) -> float:
    """A "hot" ranking: log of engagement plus publication time.

    Because newer items get a larger time term, older items sink without any
    periodic recomputation; a summary needs ten times the engagement to match
    one published ~12.5 hours later.
    """
    engagement = score + views / VIEWS_PER_VOTE
    sign = 1 if engagement > 0 else -1 if engagement < 0 else 0
    magnitude = math.log10(max(abs(engagement), 1))
    seconds = (published_at.timestamp() - EPOCH) if published_at else 0
    return sign * magnitude + seconds / POPULARITY_TIME_SCALE_SECONDS
