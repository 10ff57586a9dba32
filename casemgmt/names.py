"""Name matching for duplicate detection across spellings and transliterations.

Romanised Urdu/Pashto names vary ("Mohammad", "Muhammad", "Mohd"; "Abdur
Rehman", "Abdul Rahman"); ``name_tokens`` maps each spelling to one phonetic
token set and ``names_similar`` compares two names, so registration can warn
about likely duplicates.
"""

import re
import unicodedata

# Whole-token spellings that mean the same name.
TOKEN_ALIASES = {
    "mohammad": "muhammad",
    "mohammed": "muhammad",
    "muhammed": "muhammad",
    "mohamed": "muhammad",
    "mohd": "muhammad",
    "md": "muhammad",
    "muhamad": "muhammad",
    "abdur": "abdul",
    "abdel": "abdul",
    "abd": "abdul",
    "rehman": "rahman",
    "rahmaan": "rahman",
    "ullah": "ulla",
}

# Letter groups that romanise one sound, applied in order.
SOUND_RULES = [
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("q", "k"),
    ("ck", "k"),
    ("w", "v"),
]

VOWELS = re.compile(r"[aeiouyw]")
ABD_PREFIX = re.compile(r"^abd(ur|ul|el|al|ar|us|un)?(?=.)")

ARABIC_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")


def _fold(text: str) -> str:
    text = ARABIC_DIACRITICS.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def phonetic_token(token: str) -> str:
    token = TOKEN_ALIASES.get(token, token)
    if not token.isascii():
        return token
    token = ABD_PREFIX.sub("abdul", token)
    for source, target in SOUND_RULES:
        token = token.replace(source, target)
    # Vowels carry most spelling variation (Yousaf/Yusuf): keep the first letter
    # and the consonant skeleton; doubled letters are spelling, not sound.
    token = token[:1] + VOWELS.sub("", token[1:])
    return re.sub(r"(.)\1+", r"\1", token)


def name_tokens(name: str) -> set[str]:
    folded = _fold(name)
    # Hyphens and apostrophes join parts of one name ("Abd-ul", "Sha'ban").
    folded = re.sub(r"[-'’`]", " ", folded)
    raw = [t for t in re.split(r"[^\w]+", folded) if t]
    tokens = set()
    for t in raw:
        token = phonetic_token(t)
        tokens.add(token)
    return tokens


def names_similar(a: str, b: str) -> bool:
    """Same person's name spelled differently, or one name contained in the other."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    joined_a = "".join(phonetic_token(t) for t in sorted(ta))
    joined_b = "".join(phonetic_token(t) for t in sorted(tb))
    if joined_a.replace(" ", "") == joined_b.replace(" ", ""):
        return True
    squashed_a = phonetic_token(re.sub(r"\W+", "", _fold(a)))
    squashed_b = phonetic_token(re.sub(r"\W+", "", _fold(b)))
    if squashed_a == squashed_b:
        return True
    smaller, larger = sorted([ta, tb], key=len)
    # "Ali Khan" inside "Muhammad Ali Khan": two or more shared parts.
    return len(smaller) >= 2 and smaller <= larger
