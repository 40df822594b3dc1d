"""Dates written in article headers: ``Sep 12, 2023``, ``12 September 2023``, ``2023-09-12``.

An article's date is the date of its own header (next to its title or byline). A page
carries other dates that are not the article's: a "today" banner above the site menu, a
copyright notice (``© 2024``) in the footer; :func:`stamp_date` never reads a copyright
line, and the callers (:mod:`screenwise.text.boilerplate`, :mod:`screenwise.text.extract`)
look only at lines next to the article's heading.

Sources: month names and abbreviations of English news style (AP Stylebook); ISO 8601
calendar dates (``YYYY-MM-DD``).
"""

from __future__ import annotations

import re

__all__ = ["is_copyright_line", "stamp_date"]

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_STAMP_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<nmonth>\d{2})-(?P<day>\d{2})\b"),
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b", re.I)


def is_copyright_line(line: str) -> bool:
    """Return True when a line is a copyright notice (``© 2024``, ``Copyright 2023 ...``)."""
    return bool(_COPYRIGHT.search(line))


def stamp_date(line: str) -> str | None:
    """Return the ISO date (``YYYY-MM-DD``) a date-stamp line gives, or None.

    Args:
        line: one line of text (``February 07, 2026 09:53 am``, ``| @agency | Sep 12,
            2023, at 03:32 pm``, ``Published 2023-09-12``).

    Returns:
        The first date written with the month's name or as ISO 8601 whose month and day
        are in range; None for a copyright notice or a line without such a date.
    """
    if is_copyright_line(line):
        return None
    for pattern in _STAMP_DATES:
        match = pattern.search(line)
        if not match:
            continue
        groups = match.groupdict()
        month = (
            int(groups["nmonth"])
            if groups.get("nmonth")
            else _MONTHS.get((groups.get("month") or "").lower(), 0)
        )
        day = int(match.group("day"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{match.group('year')}-{month:02d}-{day:02d}"
    return None
