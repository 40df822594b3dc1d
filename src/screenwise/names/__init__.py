"""Name normalisation shared by indexing and querying.

One pipeline (``names.normalize``) turns any name, in any script, into comparable Latin
tokens, so a list name and a query name can never be normalised two different ways.
"""

from screenwise.names.normalize import normalize_name, tokenize_name

__all__ = ["normalize_name", "tokenize_name"]
