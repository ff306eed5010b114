"""Activity sparklines: the SVG, the per-day numbers, and who gets to see them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from precis.accounts.tests.factories import UserFactory
from precis.feeds.sparkline import activity_of, sparkline_svg
from precis.summaries import services
from precis.summaries.models import DailyViews, Summary, Vote
from precis.summaries.tests.factories import SummaryFactory

SVG = "{http://www.w3.org/2000/svg}"


def test_the_svg_is_a_labelled_polyline_without_inline_style():
    markup = sparkline_svg([0, 3, 1, 6], width=120, height=24, label="Views <per> day")
    svg = etree.fromstring(markup)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Views <per> day"
    assert svg.find(f"{SVG}title").text == "Views <per> day"
    assert (svg.get("width"), svg.get("height"), svg.get("viewBox")) == ("120", "24", "0 0 120 24")
    points = [
        tuple(map(float, p.split(","))) for p in svg.find(f"{SVG}polyline").get("points").split()
    ]
    assert len(points) == 4
    assert points[0][0] < points[1][0] < points[2][0] < points[3][0] <= 120
    assert min(y for _, y in points) == points[3][1]  # the tallest value is highest
    assert all(0 <= y <= 24 for _, y in points)
    assert "style" not in markup
    assert "<script" not in markup


def test_all_zeros_and_single_points_still_draw_a_flat_line():
    for points in ([0] * 30, [5], []):
        polyline = etree.fromstring(sparkline_svg(points, label="x")).find(f"{SVG}polyline")
        ys = {float(p.split(",")[1]) for p in polyline.get("points").split()}
        assert len(ys) == 1


@pytest.mark.django_db
def test_activity_fills_missing_days_with_zeros_in_two_queries(alice):
    summary = SummaryFactory(author=alice)
    today = timezone.localdate()
    DailyViews.objects.create(summary=summary, day=today, count=4)
    DailyViews.objects.create(summary=summary, day=today - datetime.timedelta(days=2), count=1)
    DailyViews.objects.create(summary=summary, day=today - datetime.timedelta(days=40), count=9)
    for _ in range(3):
        services.cast_vote(voter=UserFactory(), summary=summary, value=1)
    old_vote = Vote.objects.first()
    Vote.objects.filter(pk=old_vote.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=45)
    )
    with CaptureQueriesContext(connection) as queries:
        activity = activity_of(Summary.objects.filter(pk=summary.pk))
    assert len(queries) == 2
    assert len(activity.views) == len(activity.votes) == 30
    assert activity.views[-1] == 4
    assert activity.views[-3] == 1
    assert sum(activity.views) == 5
    assert activity.votes[-1] == 2
    assert sum(activity.votes) == 2


def sparklines(body: str) -> list[str]:
    return re.findall(r'<svg class="sparkline".*?</svg>', body, re.S)


@pytest.mark.django_db
def test_only_the_writer_sees_their_summarys_sparkline(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.get(summary.get_absolute_url(), REMOTE_ADDR="192.0.2.7")  # one view
    assert sparklines(client.get(summary.get_absolute_url()).content.decode()) == []
    client.force_login(carol)
    assert sparklines(client.get(summary.get_absolute_url()).content.decode()) == []
    client.force_login(alice)
    body = client.get(summary.get_absolute_url()).content.decode()
    views, votes = sparklines(body)
    # 192.0.2.7 and the client's own address signed out, then Carol by her account
    # (precis.lib.visitors); the writer's own visit is not counted.
    assert "Views per day over the last 30 days: 3 in all" in views
    assert "Votes cast per day" in votes


@pytest.mark.django_db
def test_the_writer_sees_a_flat_sparkline_before_anyone_has_read_it(client, alice):
    summary = SummaryFactory(author=alice, visibility="private")
    client.force_login(alice)
    assert len(sparklines(client.get(summary.get_absolute_url()).content.decode())) == 2


@pytest.mark.django_db
def test_the_paper_page_shows_activity_of_listed_summaries_to_everyone(client, alice, paper):
    listed = SummaryFactory(author=alice, paper=paper)
    hidden = SummaryFactory(paper=paper, visibility="unlisted")
    assert sparklines(client.get(paper.get_absolute_url()).content.decode()) == []
    DailyViews.objects.create(summary=listed, day=timezone.localdate(), count=3)
    DailyViews.objects.create(summary=hidden, day=timezone.localdate(), count=100)
    services.cast_vote(voter=UserFactory(), summary=hidden, value=1)
    body = client.get(paper.get_absolute_url()).content.decode()
    views, votes = sparklines(body)
    assert "3 in all" in views
    assert "0 in all" in votes
