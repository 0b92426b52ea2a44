"""The two engines behind search, as SQL: SQLite FTS5 and PostgreSQL full-text search.

Everything that differs between them is here: the index they keep over `search_document`
(made by migration 0001) and how a parsed query becomes a match expression. The tokens that
reach the engine are words made of letters and digits only (`terms.parse`), each quoted, so no
user text is ever read as engine syntax.
"""

from __future__ import annotations

FTS = "search_fts"
# Porter stemming over Unicode words without accents: "calibrate" finds "calibration".
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
PG_CONFIG = "english"

SQLITE_TRIGGERS = [
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    f"INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);"
    " END",
    "CREATE TRIGGER search_document_au AFTER UPDATE OF title, body ON search_document BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);"
    f" INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]

_PG_VECTOR = (
    f"setweight(to_tsvector('{PG_CONFIG}', title), 'A') || "
    f"setweight(to_tsvector('{PG_CONFIG}', body), 'B')"
)


def create_sql(vendor: str) -> list[str]:
    """The statements that create the engine's index over `search_document`."""
    if vendor == "sqlite":
        return [
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, content='search_document', "
            f"content_rowid='id', tokenize='{SQLITE_TOKENIZER}')",
            *SQLITE_TRIGGERS,
        ]
    if vendor == "postgresql":
        return [
            "ALTER TABLE search_document ADD COLUMN tsv tsvector "
            f"GENERATED ALWAYS AS ({_PG_VECTOR}) STORED",
            "CREATE INDEX search_document_tsv ON search_document USING GIN (tsv)",
        ]
    raise NotImplementedError(f"No full-text search for the {vendor} database.")


def drop_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS search_document_ai",
            "DROP TRIGGER IF EXISTS search_document_ad",
            "DROP TRIGGER IF EXISTS search_document_au",
            f"DROP TABLE IF EXISTS {FTS}",
        ]
    return [
        "DROP INDEX IF EXISTS search_document_tsv",
        "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
    ]
