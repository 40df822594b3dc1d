"""Text screening: find mentions of listed parties in news articles, raw HTML or scraped text.

Public API: :func:`screen_text` (what ``Screener.screen_text`` delegates to),
:func:`read_source` (path, ``-`` or URL with size limit and encoding detection) and
:func:`result_to_json` (the ``--json`` / API shape of a result).
"""

from screenwise.text.inputs import RawInput, read_source
from screenwise.text.render import result_to_json
from screenwise.text.screen import screen_text

__all__ = ["RawInput", "read_source", "result_to_json", "screen_text"]
