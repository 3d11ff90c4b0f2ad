"""The store: SQL tables (``models``), the engine and sessions (``engine``), schema migrations
(``migrations``), the one writer of request rows (``ingest``), queries, search, and the lock and file
modes of the files beside the database (``lock``, ``files``: standard library only, so this package
imports nothing heavy by itself)."""
