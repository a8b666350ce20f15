"""Personal data a parent should not type in a chat.

A BSN is masked before it is stored or passed on. Detailed medical information
(medication with a dose, a named medicine, a treatment or psychiatric report)
is not masked, as it is part of the parent's question, but the parent is
advised once per conversation not to share it here.
"""
from __future__ import annotations

import re

# Nine digits, optionally grouped with spaces, dots or dashes (123.456.782, 1234 56 782).
_NINE_DIGITS = re.compile(r"(?<![\d\w])(\d(?:[ .-]?\d){8})(?![\d\w])")

BSN_WARNING = (
    "Let op: je bericht bevat een nummer dat op een BSN lijkt. Deel geen BSN of medische "
    "gegevens in deze chat. Ik heb het nummer niet bewaard."
)


def is_bsn(digits: str) -> bool:
    """The Dutch 'elfproef' for a citizen service number (BSN)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def mask_bsn(text: str) -> tuple[str, bool]:
    """The text with every BSN replaced by asterisks, and whether there was one."""
    found = False

    def replace(match: re.Match) -> str:
        nonlocal found
        if is_bsn(re.sub(r"\D", "", match.group(1))):
            found = True
            return "*********"
        return match.group(0)

    return _NINE_DIGITS.sub(replace, text), found


MEDICAL_ADVICE = (
    "Tip: deel liever geen medische details, zoals medicijnen of een diagnoseverslag, in deze "
    "chat. Dat is niet nodig voor mijn antwoord. Een adviseur vraagt ernaar als dat nodig is."
)
_MEDICAL = re.compile(
    r"\b\d+([.,]\d+)? ?(mg|milligram|ml)\b"
    r"|\b(ritalin|concerta|methylfenidaat|medikinet|equasym|strattera|atomoxetine|dexamfetamine|"
    r"risperdal|risperidon|abilify|aripiprazol|melatonine|sertraline|fluoxetine|prozac|insuline|"
    r"depakine|keppra|lamotrigine|oxazepam|diazepam)\b"
    r"|\b(psychiatrisch (rapport|verslag|dossier)|behandelplan|ggz[- ]dossier|medisch dossier|"
    r"diagnoseverslag|psychologisch (onderzoek|rapport|verslag) (zegt|staat|laat zien))\b",
    re.IGNORECASE,
)


def looks_medical(text: str) -> bool:
    """Whether a message carries detailed medical information (a dose, a medicine, a report)."""
    return bool(_MEDICAL.search(text))
