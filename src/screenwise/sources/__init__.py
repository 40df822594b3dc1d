"""List sources: one module per official list format (download -> read -> entities)."""
