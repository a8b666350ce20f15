"""Recognises messages about danger, violence, abuse, suicide or self-harm.

Runs in the gateway on every parent message, in every mode (also during a
handoff and outside office hours), before anything else. Deliberately
sensitive: a missed emergency is far worse than a referral too many. The
patterns are checked against tests/data/safety_messages.yml (recall must be
100%) and the ordinary questions in tests/data/parent_messages.yml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Each kind: patterns that signal it, on lower-cased text.
_PERSON = r"(mij|me|ons|haar|hem|zijn|mijn|de kinderen|kinderen|kind|zoon|dochter|moeder|vrouw|us|her|him|my)"
_HOME_PERSON = (
    r"(man|vader|papa|pa|moeder|mama|ma|vriend|ex|partner|stiefvader|stiefmoeder|oom|opa|broer|"
    r"husband|boyfriend|father|dad|stepdad|mother|mom|mum|uncle|grandfather|brother)"
)
_PATTERNS: dict[str, list[str]] = {
    "acute": [
        r"\b(ze|hij|zij|mijn (zoon|dochter|kind|man|vrouw|moeder|vader))\b.{0,10}\breageert niet\b",
        r"\b(krijg (haar|hem) niet (meer )?wakker|bewusteloos|ademt niet|unconscious|not breathing|won'?t wake up)\b",
        r"\b(nu|nou|op dit moment|net|right now|just)\b.{0,50}\b(aan het slaan|slaat|slaan|steekt|wurgt|schopt|dreigt|vermoord\w*|hurting|attacking|beating|hitting|swallowed|took)\b",
        r"\b(aan het slaan|slaat|slaan|schreeuwen|gillen)\b.{0,50}\b(nu|nou|op dit moment|right now)\b",
        r"\b(in gevaar|levensgevaar|in danger)\b",
        r"\b(gaat|ga|wil|dreigt te) springen\b|\bstaat op (het|de) (balkon|dak|brug|rand)\b|\bjump(ing)? (off|from)\b",
        r"\b(geslikt|ingenomen|swallowed|took|taken)\b.{0,30}\b(pillen|pills|tabletten|tablets|medicijnen)\b|\b(overdosis|overdose|bottle of pills)\b",
        r"\b(pillen|pills|tabletten|tablets|medicijnen|paracetamol|slaappillen|oxazepam|ibuprofen)\b.{0,20}\b(geslikt|ingenomen|genomen|swallowed)\b",
        r"\b(mes|messen|pistool|wapen|knife|gun|weapon)\b.{0,40}\b(in huis|nu|dreigt|steken|bedreigt|threat\w*|now|pulled)\b",
        r"\b(heeft|pakt|gepakt|loopt|zwaait|dreigt|staat) (met )?(een |het |zijn )?(mes|pistool|wapen)\b|\b(has|grabbed|holding) a (knife|gun)\b",
        r"\b(ons|mij|me|haar|hem) (allemaal )?kapot (maakt|maken)\b|\bgaat (mij|me|ons|haar|hem|mijn \w+) pakken\b",
        r"\b(vermoord\w*|neersteken|neer te steken|doodsteken|doodschieten|kill (me|you|her|him|us)|murder)\b",
        r"\b(politie nodig|bel(t)? (de )?(politie|112|ambulance)|call(ed)? (the )?(police|ambulance|911|112))\b",
        r"\bdeur in (te )?trappen\b|\bbreaking (down|in) the door\b",
    ],
    "abuse": [
        rf"\b(slaat|slaan|sloeg|geslagen|schopt|schoppen|schopte|geschopt|mishandel\w*|knijpt|geknepen|wurgt|gewurgd|beats?|beating|beaten|hits?|hitting|kicks?|kicked|punch\w*)\b.{{0,40}}\b{_PERSON}\b",
        rf"\b{_PERSON}\b.{{0,30}}\b(slaat|slaan|sloeg|geslagen|schopt|geschopt|mishandeld|geknepen|gewurgd|opgesloten|bedreigd|beaten|hit|abused|threatened)\b",
        r"\b(huiselijk geweld|kindermishandeling|domestic (violence|abuse)|child abuse|abused?|abusing|misbruik\w*|aangerand|aanranding|verkracht\w*|raped?|molest\w*|sexually|betast\w*)\b",
        r"\b(aan|bij) (haar|hem|mij|me) (heeft )?gezeten\b|\bzit(ten)? (aan|bij) (haar|hem|mij|me)\b|\btouch(es|ed|ing)? (her|him|me)\b|\bprivate (parts|places)\b",
        r"\bdingen (met|bij) (haar|hem|mij|me) (doet|deed)\b|\b(die|wat) (ik|zij|hij) niet wil\b.{0,40}\bniet (mag|mogen) (vertellen|zeggen)\b",
        rf"\b(geweld|violence|violent|agressief|aggressive|klappen|slaag)\b.{{0,40}}\b(thuis|huis|home|{_HOME_PERSON})\b",
        rf"\b(thuis|home|{_HOME_PERSON})\b.{{0,40}}\b(geweld|violence|violent|agressief|aggressive|slaat|slaan|sloeg|hits|beats|schreeuwt en gooit|gooit dingen)\b",
        r"\bkrijg(en)? (ik |we )?(klappen|slaag|een pak slaag)\b|\bslaan (mij|me|ons) met\b|\bmet (een |de )?riem\b",
        r"\b(sluit|sloot) (me|mij|ons|haar|hem) op\b|\bopgesloten\b|\bgooit dingen naar\b",
        r"\b(niet (meer )?veilig|onveilig|not safe|unsafe)\b.{0,30}\b(thuis|huis|home)\b|\b(thuis|home)\b.{0,30}\b(niet (meer )?veilig|onveilig|not safe|unsafe)\b",
        r"\b(durf|durven|dare|wil|want)\b.{0,20}\b(niet (meer )?naar huis|not (to )?go home)\b",
        rf"\b(bang|scared|afraid)\b.{{0,20}}\b(thuis|at home|voor (mijn|haar|zijn) {_HOME_PERSON}|of (my|her|his) {_HOME_PERSON})\b|\b(ik ben|i am|i'?m) (zo |heel |so )?(bang|scared)\b(?! (dat|voor de|voor het|om|that|of the|to))",
        rf"\b{_HOME_PERSON}\b.{{0,15}}\b(doet|deed) (mij|me|ons|haar|hem) pijn\b|\b{_HOME_PERSON} hurts (me|us|her|him)\b",
        r"\b(bedreigt|dreigt (mij|me|ons|haar|hem)|threatens?|threatened)\b",
        r"\bverwaarloos\w* (mij|me|ons|haar|hem|de kinderen|kinderen|mijn|haar|zijn)\b|\bneglect\w* (me|her|him|the kids|children)\b",
        r"\b(wordt|worden|is|zijn) verwaarloosd\b|\bverwaarloosd (wordt|worden)\b|\b(is|being) neglected\b|\bdagen alleen thuis\b",
        r"\b(nooit|geen) eten (in huis|thuis)\b|\b(altijd|steeds) dronken\b|\bno food at home\b",
        r"\bbrandwond\w*\b.{0,40}\b(sigaret|gedaan|aangedaan)\b",
        r"\bveilig thuis\b",
    ],
    "suicide": [
        r"\b(zelfmoord|zelfdoding|su[iï]cid\w*|suicid\w*|kill (myself|himself|herself)|end (my|his|her) (own )?life|take my (own )?life)\b",
        r"\b(wil|wilde|wou|willen)\b.{0,10}\bdood\b|\bdood (wil|wilde|willen)\b|\bwant(s|ed)? to die\b|\bbeter dood\b|\bbetter off dead\b",
        r"\b(niet meer (leven|willen leven|wil leven)|er niet meer (zijn|willen zijn|wil zijn)|nooit meer wakker)\b",
        r"\bleven\b.{0,20}\bniet meer zitten\b|\bzie (geen|nergens) (uitweg|zin|toekomst)\b|\bno reason to live\b|\bdon'?t want to (live|be here)\b",
        r"\b(mezelf|zichzelf|zich) (iets )?(wil(len)? )?aan(te)?doen\b|\b(mezelf|zichzelf) iets (wil )?aandoen\b|\b(een )?eind(e)? aan (zijn|haar|mijn|het) leven\b|\bvan het leven beroven\b|\blevensmoe\b",
        r"\bbeter af zonder (mij|me|hem|haar)\b|\bbetter off without (me|him|her)\b|\bniemand (zal|gaat) (mij|me|hem|haar) missen\b",
        r"\bafscheidsbrief\b|\bsuicide note\b|\b(spaart|verzamelt) pillen\b",
        r"\b(ophangen|voor de trein (springen|spring\w*|gaan|ga|stap\w*))\b|\bvan (een |de |het )?(brug|dak|flat) (springen|springt|af)\b",
        r"\b113\b(?!\d)",
    ],
    "self_harm": [
        r"\b(snij|snijdt|snijd|sneed|gesneden|snijden|kras|krast|krassen|gekrast|kapot kras\w*)\b.{0,30}\b(zich|zichzelf|mezelf|me|mij|arm\w*|pols\w*|been|benen|huid)\b",
        r"\b(mezelf|zichzelf|me|zich)\b.{0,25}\b(snij|snijd|snijdt|gesneden|gekrast|kras|verwond\w*|brand\w*|pijn (doe|doet))\b",
        r"\b(arm|armen|pols|polsen|benen)\b.{0,15}\b(kapot )?(kras|krast|krassen|snij|snijdt|snijden)\b",
        r"\b(doe|doet|deed) (zichzelf|mezelf|zich|me) pijn\b|\b(hurts?|hurting|cuts?|cutting|harms?|harming) (herself|himself|myself)\b",
        r"\b(zelfbeschadig\w*|automutil\w*|zelfverwond\w*|self[- ]?harm\w*)\b",
        r"\bscheermes\w*\b|\bbebloed\w*\b|\buntil (they|it) bleeds?\b",
        r"\b(wondjes|wonden|sneetjes|littekens|scratches|scratching|cuts)\b.{0,30}\b(pols\w*|arm\w*|benen|wrists?|arms?|legs?)\b",
        r"\b(brandt|verbrandt) zich\b|\bexpres verwond\w*\b|\bzichzelf\b.{0,30}\bverwond\w*\b",
    ],
    "child": [
        r"\bik ben (\d{1,2}|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien)\b",
        r"\b(i'?m|im|i am) (\d{1,2})\b",
        r"\bik zit in (groep \d|de brugklas|de \d(e|ste)? klas|klas \d)\b",
        r"\bals kind\b|\bben een kind\b|\bi'?m a kid\b",
    ],
}
# A child's message is only an emergency together with another kind.
_CONTEXT_ONLY = {"child"}
# Figures of speech and school matters that must not raise an alarm.
_SCHOOL_PEER = (
    r"(klasgenoot\w*|leerling\w*|medeleerling\w*|een kind in de klas|ander(e)? (kind|kinderen|jongen|meisje)|"
    r"op school|schoolplein|in de klas|classmates?|another (child|kid|boy|girl))"
)
_HARMLESS = [
    r"\bdood ?(moe|op|ziek|gewoon|normaal|leuk|eng|saai|stil|graag|simpel)\b",
    r"\bschrok (me|mij|ik) (me )?(dood|rot|wild)\b",
    r"\b(lach|verveel|erger|schaam|werk|zoek) (me|mij|ik) (me )?dood\b",
    r"\bslaat (de plank|nergens op|alles|een modderfiguur|door|aan|op hol)\b",
    r"\bsnijden in (het|de|ons) (budget|kosten|uren|zorg|formatie|geld)\b|\bsnijdt hout\b|\bsnijdt het\b",
    r"\bscared to death\b|\bdoodsbang (dat|voor de|voor het)\b",
    rf"\b(sloeg|slaan|slaat|geslagen|schopte|schopt|geschopt|vechten|gevochten|hit|kicked)\b.{{0,40}}\b{_SCHOOL_PEER}\b",
    rf"\b{_SCHOOL_PEER}\b.{{0,40}}\b(sloeg|slaan|slaat|geslagen|schopte|schopt|geschopt|vechten|gevochten|hit|kicked)\b",
    r"\bgepest\b|\bpesten\b|\bbullied\b",
    r"\bkrast? met (een )?(pen|potlood|stift)\b[^.,!?]*",
]
_COMPILED = {k: [re.compile(p) for p in ps] for k, ps in _PATTERNS.items()}
_HARMLESS_COMPILED = [re.compile(p) for p in _HARMLESS]


@dataclass(frozen=True)
class SafetySignal:
    kinds: frozenset[str]

    @property
    def acute(self) -> bool:
        return "acute" in self.kinds


def _strip_harmless(text: str) -> str:
    for pattern in _HARMLESS_COMPILED:
        text = pattern.sub(" ", text)
    return text


def detect(text: str) -> SafetySignal | None:
    """The kinds of danger a message signals, or None for an ordinary message."""
    lowered = _strip_harmless(" ".join(text.lower().split()))
    kinds = {kind for kind, patterns in _COMPILED.items() if any(p.search(lowered) for p in patterns)}
    if not kinds - _CONTEXT_ONLY:
        return None
    return SafetySignal(frozenset(kinds))


def referral_text(signal: SafetySignal) -> str:
    """The referral a parent (or child) reads first, in B1 Dutch."""
    lines = []
    if signal.acute:
        lines.append("Is er nu direct gevaar? Bel meteen 112.")
    if signal.kinds & {"suicide", "self_harm"}:
        lines.append(
            "Denk je aan zelfdoding, of maak je je zorgen om iemand? Bel gratis en anoniem "
            "113 of 0800-0113. Dat kan dag en nacht. Chatten kan via 113.nl."
        )
    if signal.kinds & {"abuse", "acute", "child"} or not lines:
        lines.append(
            "Is er geweld of mishandeling thuis, of maak je je zorgen om een kind? Bel Veilig Thuis: "
            "0800-2000. Dat is gratis, dag en nacht, en je mag anoniem bellen."
        )
    if "child" in signal.kinds:
        lines.append("Ben je zelf een kind of jongere? Bel of chat gratis met De Kindertelefoon: 0800-0432 (kindertelefoon.nl).")
    if not signal.acute:
        lines.append("Is er direct gevaar? Bel 112.")
    lines.append("Ik ben een digitale assistent en geen hulpdienst. Een adviseur van het Oudersteunpunt ziet je bericht zo snel mogelijk.")
    return "\n".join(lines)
