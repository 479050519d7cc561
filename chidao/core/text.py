"""Vietnamese text helpers: accent-insensitive search keys and Vietnamese alphabetical order.

One place for both, so search and sorting agree everywhere (pages, API, exports).
"""

import unicodedata
from typing import Any

# Vietnamese alphabet: 29 letters; ă, â, đ, ê, ô, ơ, ư are letters of their own, not accented forms.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
# Letter-forming marks (breve, circumflex, horn) versus tone marks.
_LETTER_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})
# Traditional tone order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(text: str) -> str:
    """Unicode NFC: one code point per Vietnamese letter where one exists, the form text is stored in."""
    return unicodedata.normalize("NFC", text)


def nfc_deep(value: Any) -> Any:
    """`nfc` on every string inside JSON-like data (dicts, lists, keys and values)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [nfc_deep(v) for v in value]
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    return value


def fold(text: str | None) -> str:
    """Lower-case, drop every diacritic and map đ to d: "Đinh Tiến Dũng" -> "dinh tien dung"."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into folded words, each of which must match."""
    return [w for w in fold(query).split(" ") if w]


def _word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter = base
        tone = 0
        for mark in marks:
            if mark in _LETTER_MARKS:
                letter = unicodedata.normalize("NFC", base + mark)
            elif mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
        rank = _LETTER_RANK.get(letter)
        letters.append(rank if rank is not None else 100 + ord(letter))
        tones.append(tone)
    return tuple(letters), tuple(tones)


def vn_collation_key(text: str) -> tuple:
    """Sort key for Vietnamese text: letters in alphabet order first, tones break ties."""
    words = [_word_key(w) for w in (text or "").split()]
    return tuple(k[0] for k in words), tuple(k[1] for k in words)


def vn_name_key(full_name: str) -> tuple:
    """Sort key for a Vietnamese person's name: given name (last word) first, then the rest."""
    words = (full_name or "").split()
    if not words:
        return ((), ())
    given, rest = words[-1], " ".join(words[:-1])
    return vn_collation_key(given), vn_collation_key(rest)


def _hex_letters(word: str) -> str:
    letters, _tones = _word_key(word)
    return "".join(f"{min(rank + 1, 255):02x}" for rank in letters)


def vn_name_sort_key(full_name: str) -> str:
    """`vn_name_key` as a string the database can sort by (hex digits only, so any collation agrees).

    Given name's letters, its tones, then the other words' letters and tones; "00" ends a word and a
    list, so a prefix sorts first ("An" before "Anh").
    """
    words = (full_name or "").split()
    if not words:
        return ""
    given, rest = words[-1], words[:-1]

    def tones(ws: list[str]) -> str:
        return "".join("".join(str(t + 1) for t in _word_key(w)[1]) + "0" for w in ws) + "0"

    return (_hex_letters(given) + "00" + tones([given])
            + "".join(_hex_letters(w) + "00" for w in rest) + "00" + tones(rest))


def vn_number(n: int) -> str:
    """An integer with Vietnamese thousands separators, for text outside templates (commands, messages):
    2614 -> "2.614" (templates use `intcomma`, which follows the active language's format)."""
    return f"{n:,}".replace(",", ".")
