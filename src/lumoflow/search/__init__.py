"""Full-text search: one table of search documents, SQLite FTS5 or PostgreSQL tsvector behind it."""
