"""`manage.py analyze` leaves the planner statistics behind on either database."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def test_analyze_refreshes_the_planner_statistics():
    SummaryFactory.create_batch(3)
    out = StringIO()
    call_command("analyze", stdout=out)
    assert "Planner statistics refreshed" in out.getvalue()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'summaries_summary'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'summaries_summary'")
        assert cursor.fetchone()[0] > 0
