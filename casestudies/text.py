"""Accent- and case-insensitive text helpers shared by search and highlighting."""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "ß": "ss"})
WORD = re.compile(r"[\w'-]+", re.UNICODE)

ACCENTED = {
    "a": "aàâäáã",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóòõ",
    "u": "uùûüú",
    "y": "yÿý",
}


def fold(text: str) -> str:
    """Lowercase, without accents or ligatures: « Réciprocité » → « reciprocite »."""
    text = (text or "").translate(LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def accent_insensitive_pattern(word: str) -> str:
    """A regex matching ``word`` (already folded) whatever the accents of the text."""
    parts = []
    for char in word:
        if char in ACCENTED:
            parts.append(f"[{ACCENTED[char]}{ACCENTED[char].upper()}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)
