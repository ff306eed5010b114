import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Drop indexes that every import paid for and no query needs: PaperAuthor's on paper
    and Paper's on venue (the unique (paper, position) and the (venue, year) indexes
    start with those columns and serve the same lookups), and Paper's on slug (papers
    are found by id; no query reads the slug)."""

    dependencies = [
        ("papers", "0006_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="paperauthor",
            name="paper",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="paper_authors",
                to="papers.paper",
            ),
        ),
        migrations.AlterField(
            model_name="paper",
            name="venue",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="papers",
                to="papers.venue",
            ),
        ),
        migrations.AlterField(
            model_name="paper",
            name="slug",
            field=models.SlugField(blank=True, db_index=False, max_length=80),
        ),
    ]
