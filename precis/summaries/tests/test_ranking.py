from datetime import UTC, datetime, timedelta

import pytest

from precis.summaries.ranking import popularity, wilson_lower_bound


def test_wilson_is_zero_without_votes():
    assert wilson_lower_bound(0, 0) == 0


def test_wilson_prefers_a_long_record_over_one_lucky_vote():
    assert wilson_lower_bound(90, 10) > wilson_lower_bound(1, 0)
    assert wilson_lower_bound(1, 0) > wilson_lower_bound(1, 1)


@pytest.mark.parametrize(("up", "down"), [(1, 0), (5, 5), (100, 3), (0, 7)])
def test_wilson_stays_below_the_observed_share(up, down):
    assert 0 <= wilson_lower_bound(up, down) <= up / (up + down)


def test_popularity_lets_newer_summaries_overtake_older_ones():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    old_but_liked = popularity(10, 0, now - timedelta(days=3))
    new_and_modest = popularity(2, 0, now)
    assert new_and_modest > old_but_liked


def test_popularity_rewards_votes_and_views_at_equal_age():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert popularity(10, 0, now) > popularity(1, 0, now)
    assert popularity(1, 400, now) > popularity(1, 0, now)
    assert popularity(-5, 0, now) < popularity(0, 0, now)
