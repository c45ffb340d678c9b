"""SQLAlchemy 2 (Core) storage: the cart event store, the catalog and the rest.

SQLite in WAL mode is the embedded default; PostgreSQL is the production database. The same
tables, the same code and the same contract tests serve both.
"""
