"""HTTP API (FastAPI): yente-compatible routes, native screening routes, review pages."""
