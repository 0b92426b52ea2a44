"""The two engines behind search, as SQL: SQLite FTS5 and PostgreSQL full-text search.

Everything that differs between them is here: the index they keep over `search_document`
(made by migration 0001) and how a parsed query becomes a match expression. The tokens that
reach the engine are words made of letters and digits only (`terms.parse`), each quoted, so no
user text is ever read as engine syntax.
"""

from __future__ import annotations

from .terms import Term

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

#: Rebuild the FTS5 index from its content table in one pass (`lumoflow reindex`).
SQLITE_REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"

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


# ------------------------------------------------------------------ queries
# Highlight marks around matched words in snippets: control characters, which `index` never
# stores, so that after escaping the snippet only these become <mark> tags.
MARK_START, MARK_END = "\x02", "\x03"


def fts5_match(terms: tuple[Term, ...]) -> str:
    """An FTS5 MATCH expression: every term as a quoted string (an implicit AND)."""
    return " ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms)


def pg_tsquery(terms: tuple[Term, ...]) -> str:
    """A `to_tsquery` text: terms joined by &, a phrase's words by <->, a prefix as :*.
    The words hold letters and digits only (`terms.parse`): nothing else reaches the parser."""
    return " & ".join("(" + " <-> ".join(t.words) + (":*" if t.prefix else "") + ")" for t in terms)


def ranked_sql(vendor: str, where: str) -> tuple[str, str]:
    """The FROM clause and the rank expression (smaller is better) of a search: the engine's
    match is `%s` at the start of the FROM clause's parameters; `where` is added after it."""
    if vendor == "sqlite":
        return (
            f"{FTS} JOIN search_document d ON d.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND ({where})",
            f"bm25({FTS}, 4.0, 1.0)",
        )
    return (
        f"search_document d, to_tsquery('{PG_CONFIG}', %s) query "
        f"WHERE d.tsv @@ query AND ({where})",
        "(-ts_rank(d.tsv, query, 1))::float8",
    )


def snippet_sql(vendor: str, ids: int) -> str:
    """The statement giving (id, snippet) of `ids` documents found by a match (`%s` first,
    then the ids)."""
    marks = f"'{MARK_START}', '{MARK_END}'"
    holes = ", ".join(["%s"] * ids)
    if vendor == "sqlite":
        return (
            f"SELECT rowid, snippet({FTS}, -1, {marks}, '…', 24) FROM {FTS} "
            f"WHERE {FTS} MATCH %s AND rowid IN ({holes})"
        )
    return (
        f"SELECT d.id, ts_headline('{PG_CONFIG}', d.title || ' ' || d.body, query, "
        f"'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, "
        f'MaxFragments=2, FragmentDelimiter=" … "\') '
        f"FROM search_document d, to_tsquery('{PG_CONFIG}', %s) query WHERE d.id IN ({holes})"
    )
