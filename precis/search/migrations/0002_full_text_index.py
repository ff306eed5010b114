"""The full-text index beside SearchDocument, in each database's own way."""

from django.db import migrations

SQLITE_CREATE = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, authors, abstract, summaries, tags,
    content='search_searchdocument', content_rowid='paper_id',
    tokenize='porter unicode61 remove_diacritics 2'
)
"""
# The index's vocabulary, for the typo fallback (precis.search.backends.sqlite).
SQLITE_VOCAB = "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')"
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts_vocab", "DROP TABLE IF EXISTS search_fts"]

# Title > authors > abstract > summaries, as the weights A > B > C > D. Names are
# indexed with the 'simple' configuration so they are not stemmed.
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(authors, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(abstract, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(summaries, '')), 'D')
    ) STORED
    """,
    # Title and authors alone: small enough to stay inline in the row, so ranking
    # thousands of matches by it never reads the large vector out of TOAST.
    """
    ALTER TABLE search_searchdocument ADD COLUMN head_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(authors, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (vector)",
    "CREATE INDEX search_document_title_trgm ON search_searchdocument USING GIN (lower(title) gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS head_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(SQLITE_VOCAB)
    elif schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
