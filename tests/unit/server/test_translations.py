"""Vietnamese first: every string the pages can show has a Vietnamese translation.

The strings are extracted from the page modules and templates the way ``pybabel extract`` does
with ``babel.cfg`` (``_``, ``gettext``, ``ngettext``, ``_l`` ...), and each must have a non-empty
``msgstr`` in the committed Vietnamese catalogue. A page string added without its translation
would otherwise show in English to a Vietnamese user.
"""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "server/ui/translations/vi/LC_MESSAGES/messages.po"


def _page_strings() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "server/ui"), method_map, options_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_page_string_has_a_vietnamese_translation():
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    strings = _page_strings()
    assert len(strings) > 100  # the extraction found the pages
    missing = sorted(text for text in strings
                     if not (catalogue.get(text) and catalogue.get(text).string))
    assert missing == []
