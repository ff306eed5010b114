"""Drop what search no longer reads: each typo fallback's index, and the title vector.

"Did you mean" (search.0004, SearchTerm) replaced SQLite's vocabulary table and
PostgreSQL's title-trigram search; the SearchRank side table (search.0003) replaced
the generated title-and-authors vector. Each was still kept up to date on every
indexed paper, which cost index builds and imports time for nothing.
"""

from django.db import migrations

SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts_vocab"]
SQLITE_RESTORE = ["CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')"]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS head_vector",
]
POSTGRES_RESTORE = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN head_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(authors, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX search_document_title_trgm ON search_searchdocument USING GIN (lower(title) gin_trgm_ops)",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0004_search_term")]
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
            run({"sqlite": SQLITE_RESTORE, "postgresql": POSTGRES_RESTORE}),
        )
    ]
