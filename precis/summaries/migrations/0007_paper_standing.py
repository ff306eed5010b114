from django.db import migrations
from django.db.models import Count, Max, OuterRef, Subquery


def fill_standing(apps, schema_editor):
    """Each paper's listed summaries and best Wilson bound, from its summaries: one
    UPDATE of the papers that have any (0.4–1.7 s for 20,000 of them).

    The listing rule is spelt out rather than imported, so that this migration writes
    what it wrote when it was made (summaries.models.listed_q at the time).
    """
    Paper = apps.get_model("papers", "Paper")
    Summary = apps.get_model("summaries", "Summary")
    listed = Summary.objects.filter(visibility="public", deleted_at=None, moderation="ok")
    own = listed.filter(paper=OuterRef("pk")).order_by().values("paper")
    Paper.objects.filter(pk__in=listed.values("paper")).update(
        listed_summaries=Subquery(own.annotate(n=Count("pk")).values("n")),
        best_wilson=Subquery(own.annotate(best=Max("wilson")).values("best")),
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
