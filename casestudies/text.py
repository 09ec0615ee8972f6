"""Accent- and case-insensitive text helpers shared by search and highlighting."""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "ß": "ss"})
# What full-text engines index: runs of letters and digits (SQLite's unicode61 tokenizer too).
TOKEN = re.compile(r"[^\W_]+")
# A hyphen between two letters joins a compound (« ville-campagne »), it excludes nothing.
COMPOUND_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")

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


def tokens(text: str) -> tuple[str, ...]:
    """Folded runs of letters and digits: « Pôle d'équilibre » → « pole », « d », « equilibre »."""
    return tuple(TOKEN.findall(fold(text)))


def compounds_split(text: str) -> str:
    """« ville-campagne » → « ville campagne », so that both index and match the same way."""
    return COMPOUND_HYPHEN.sub(" ", text or "")


def accent_insensitive_pattern(word: str) -> str:
    """A regex matching ``word`` (already folded) whatever the accents of the text."""
    parts = []
    for char in word:
        if char in ACCENTED:
            parts.append(f"[{ACCENTED[char]}{ACCENTED[char].upper()}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)
