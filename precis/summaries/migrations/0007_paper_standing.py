from collections import defaultdict

from django.db import migrations
from django.db.models import Count, Max

AT_ONCE = 500


def fill_standing(apps, schema_editor):
    """Each paper's listed summaries and best Wilson bound, from its summaries.

    One grouped read of every listed summary, then one UPDATE per distinct standing
    and 500 papers: a correlated subquery per paper would depend on the planner's
    statistics, which a database restored just before the upgrade does not have.
    The listing rule is spelt out rather than imported, so that this migration writes
    what it wrote when it was made (summaries.models.listed_q at the time).
    """
    Paper = apps.get_model("papers", "Paper")
    Summary = apps.get_model("summaries", "Summary")
    rows = (
        Summary.objects.filter(visibility="public", deleted_at=None, moderation="ok")
        .values("paper")
        .annotate(n=Count("pk"), best=Max("wilson"))
        .order_by()
        .values_list("paper", "n", "best")
    )
    papers = defaultdict(list)
    for pk, n, best in rows:
        papers[n, best].append(pk)
    for (n, best), pks in papers.items():
        for start in range(0, len(pks), AT_ONCE):
            Paper.objects.filter(pk__in=pks[start : start + AT_ONCE]).update(
                listed_summaries=n, best_wilson=best
            )


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0010_paper_standing"),
        ("summaries", "0006_paper_version"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="summary",
            options={"base_manager_name": "objects", "verbose_name_plural": "summaries"},
        ),
        migrations.RunPython(fill_standing, migrations.RunPython.noop, elidable=True),
    ]
