"""List-version store, deltas and alerts (SQLAlchemy; SQLite by default, PostgreSQL by URL)."""
