"""The narrow side table search ranks and filters from (see SearchRank)."""

import django.db.models.deletion
from django.db import migrations, models


# PostgreSQL: the side table carries its own copy of the document's weighted vector,
# with the filter words of SearchDocument.tags added, GIN-indexed, so a match is
# found, filtered and ranked from this small row alone.
# The document keeps its generated vector (the source of the copy) but no longer needs
# its GIN index: queries match on the side table's.
POSTGRES_CREATE = [
    "ALTER TABLE search_searchrank ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_rank_vector ON search_searchrank USING GIN (vector)",
    "DROP INDEX IF EXISTS search_document_vector",
]
POSTGRES_DROP = [
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (vector)",
    "DROP INDEX IF EXISTS search_rank_vector",
    "ALTER TABLE search_searchrank DROP COLUMN IF EXISTS vector",
]
# Fill the side table from the documents already indexed (no reindex needed).
BACKFILL = {
    "sqlite": """
        INSERT INTO search_searchrank (paper_id, boost, year, venue_key, has_summary)
        SELECT paper_id, 1.0 + best_wilson + CASE WHEN summary_count > 0 THEN 0.25 ELSE 0 END,
               year, venue_key, summary_count > 0
        FROM search_searchdocument
    """,
    "postgresql": """
        INSERT INTO search_searchrank (paper_id, boost, year, venue_key, has_summary, vector)
        SELECT paper_id, 1.0 + best_wilson + CASE WHEN summary_count > 0 THEN 0.25 ELSE 0 END,
               year, venue_key, summary_count > 0, vector || to_tsvector('simple', tags)
        FROM search_searchdocument
    """,
}


def create_vector(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)
    if vendor in BACKFILL:
        schema_editor.execute(BACKFILL[vendor])


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0003_renderer_version"),
        ("search", "0002_full_text_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchRank",
            fields=[
                (
                    "paper",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_rank",
                        serialize=False,
                        to="papers.paper",
                    ),
                ),
                ("boost", models.FloatField(default=1.0)),
                ("year", models.PositiveSmallIntegerField(null=True)),
                ("venue_key", models.CharField(blank=True, max_length=40)),
                ("has_summary", models.BooleanField(default=False)),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("boost"), descending=True),
                        models.OrderBy(models.F("paper"), descending=True),
                        name="search_rank_by_boost",
                    ),
                    models.Index(
                        models.F("venue_key"),
                        models.OrderBy(models.F("boost"), descending=True),
                        models.OrderBy(models.F("paper"), descending=True),
                        name="search_rank_venue_by_boost",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_vector, drop_vector),
    ]
