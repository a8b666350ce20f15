"""Readability measures for Dutch text (B1 target).

Flesch-Douma: 206.84 - 0.77 * syllables per 100 words - 0.93 * words per sentence.
Syllables are counted as groups of vowels, which is the usual approximation for
Dutch ("ij", "oe", "ui" and friends count once).
"""
import re

_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9]+(?:[-'][A-Za-zÀ-ÿ0-9]+)*")
_VOWEL_GROUP = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+", re.IGNORECASE)
# A sentence ends at . ! ? or a line break (bullets count as sentences);
# numbers such as 020-330 63 20 and abbreviations like "bijv." are not split on.
_SENTENCE_END = re.compile(r"(?<!\bbijv)(?<!\bo\.a)(?<!\bd\.w\.z)[.!?]+(?=\s|$)|\n+")


def _clean(text: str) -> str:
    return _URL.sub(" link ", text)


def words(text: str) -> list[str]:
    return _WORD.findall(_clean(text))


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(_clean(text))
    return [p for p in parts if words(p)]


def syllables(word: str) -> int:
    return max(1, len(_VOWEL_GROUP.findall(word)))


def average_sentence_length(text: str) -> float:
    sents = sentences(text)
    if not sents:
        return 0.0
    return len(words(text)) / len(sents)


def flesch_douma(text: str) -> float:
    ws = words(text)
    sents = sentences(text)
    if not ws or not sents:
        return 0.0
    per_100 = 100 * sum(syllables(w) for w in ws) / len(ws)
    return 206.84 - 0.77 * per_100 - 0.93 * (len(ws) / len(sents))
