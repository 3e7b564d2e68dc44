"""Comparing people's names the way duplicate matching needs: without marks, case or spacing.

Collaborators type Vietnamese names on different keyboards (Telex, VNI, a phone's own layout),
sometimes without marks at all, and Unicode allows one letter two spellings: precomposed ``ò``
and ``o`` + combining grave, or the tone mark placed on a different vowel ("Hòa" / "Hoà",
"Thủy" / "Thuỷ", vietnam.md §3). :func:`normalise_name` folds all of these to one key, and
:func:`duplicate_key` builds the (commune, date of birth, name) key the server uses to propose
"this may be the same person".

The key is for *finding candidates* only: two people may share it, so it must never merge records
by itself, and it must not be stored or shown in place of the name. This module is pure (standard
library only) and must not look anything up.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

#: letters that carry no combining mark in Unicode and so survive NFD; folded by hand
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def normalise_name(name: str) -> str:
    """``name`` without marks, case or extra spaces: "Nguyễn  Văn An" -> "nguyen van an".

    Steps: casefold; NFD (splits every Vietnamese vowel and tone mark into base letter + combining
    marks); drop the combining marks; fold đ/Đ (a letter of its own, not d + mark) to ``d``;
    collapse any run of whitespace to one space and strip the ends. Not-a-string is refused
    with ``TypeError`` (a programming error, not bad data).
    """
    if not isinstance(name, str):
        raise TypeError(f"normalise_name expects str, got {type(name).__name__}")
    decomposed = unicodedata.normalize("NFD", name.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_EXTRA_FOLDS).split())


def duplicate_key(
    commune: str | None, dob: date | None, full_name: str | None
) -> tuple[str, str, str] | None:
    """(commune code, date of birth ``yyyy-mm-dd``, normalised name), or None when incomplete.

    None when any part is missing or empty after stripping (a name of only spaces or marks
    counts as empty): without all three the key would match unrelated people.
    """
    code = (commune or "").strip()
    name = normalise_name(full_name) if full_name is not None else ""
    if not code or dob is None or not name:
        return None
    day = dob.date() if isinstance(dob, datetime) else dob
    return code, day.isoformat(), name
