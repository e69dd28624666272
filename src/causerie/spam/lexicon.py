"""Spam themes in French, English and Arabic (including Darija) as patterns.

Each theme is one model feature shared by the three languages: the weight
learned from English and Arabic spam carries over to French spam, for which
no public training set exists. Patterns match the *normalised* text
(lower case, Arabic hamza/ta-marbuta/alef-maqsura folded, see ``text.py``).
"""

from __future__ import annotations

import re

_THEMES: dict[str, tuple[str, ...]] = {
    "earn_money": (
        r"make money", r"earn (?:money|\d+|up to)", r"\d+ (?:a|per) (?:day|week|hour)",
        r"work (?:from|at) home", r"passive income", r"extra cash", r"side hustle",
        r"gagner de l'? ?argent", r"gagnez", r"gagne[rz]? \d+", r"revenus? passifs?",
        r"argent facile", r"devenez riche", r"méthode secrète", r"get rich",
        r"je (?:vends|propose) des", r"prix imbattables?",
        r"travail(?:ler)? (?:de|à) (?:la )?maison", r"arrondir (?:vos|tes) fins",
        r"ربح", r"اربح", r"دخل اضافي", r"الربح من", r"فلوس بسهوله",
    ),
    "loan": (
        r"\bloans?\b", r"credit (?:offer|repair)", r"bad credit", r"low interest",
        r"prêts? (?:entre|rapide|personnel|d'argent|sans)", r"offre de (?:prêt|crédit|financement)",
        r"crédit (?:rapide|sans)", r"taux (?:d'intérêt )?(?:de )?\d", r"financement rapide",
        r"قروض? (?:شخصي|بدون|سريع|فوري)", r"تمويل (?:شخصي|فوري|سريع)", r"بدون كفيل",
        r"je (?:finance|prête)", r"financement (?:garanti|sans)", r"sans justificatif",
    ),
    "invest": (
        r"\binvest", r"forex", r"trading", r"\bprofits?\b", r"returns? of \d", r"\broi\b",
        r"placement", r"rendement", r"sans risque", r"risk[- ]free",
        r"plateforme de trading", r"investissement",
        r"استثمار", r"تداول", r"فوركس", r"ارباح", r"توصيات", r"محفظه",
    ),
    "crypto": (
        r"bitcoin", r"\bbtc\b", r"crypto", r"\busdt\b", r"ethereum", r"\beth\b", r"binance",
        r"blockchain", r"\bnft\b", r"mining pool", r"airdrop",
        r"بيتكوين", r"بتكوين", r"عملات رقميه", r"العملات الرقميه", r"كريبتو",
    ),
    "adult": (
        r"\bsex", r"\bxxx\b", r"\bporn", r"\bnude", r"hot (?:girls?|singles)", r"dating",
        r"webcam", r"escort", r"\bsexy\b", r"rencontres? (?:coquines?|chaudes?|adultes?)",
        r"femmes? (?:seules?|chaudes?)", r"photos? (?:privées?|sans censure)", r"soirée discrète",
        r"cherche (?:un )?homme", r"plan cul", r"cam (?:gratuite|live)",
        r"سكس", r"نيك", r"افلام (?:اباحيه|سكس)", r"بنات (?:ساخنه|للتعارف)", r"تعارف", r"محارم",
    ),
    "health": (
        r"weight loss", r"lose weight", r"viagra", r"cialis", r"diet pills?", r"enlargement",
        r"maigrir", r"perdre \d+ ?kg", r"minceur", r"perte de poids",
        r"repoussent", r"guérison garantie", r"miracle",
        r"تخسيس", r"التنحيف", r"تنحيف", r"الكرش", r"السمنه", r"تكبير", r"منشط", r"اعشاب",
    ),
    "promo": (
        r"check (?:out )?(?:my|our|this)", r"subscribe", r"my (?:channel|page|video|website|blog)",
        r"follow me", r"visit (?:my|our)", r"like (?:my|and share)", r"please (?:share|like)",
        r"abonnez[- ]vous", r"abonne[- ]toi", r"ma (?:chaîne|page)", r"visitez", r"cliquez",
        r"mon (?:site|blog)", r"suivez[- ]moi",
        r"اشترك", r"اشتركو", r"تابعوني", r"تابع حسابي", r"زوروا", r"رابط في البايو",
        r"link in (?:my )?bio", r"lien dans (?:mon|ma) (?:profil|bio)", r"followers",
        r"formation offerte", r"click here", r"clique ici", r"اضغط هنا", r"احصل على",
    ),
    "prize": (
        r"\bfree\b", r"\bwin\b", r"winner", r"\bprize", r"congratulations", r"\bclaim\b",
        r"gift ?card", r"\bvoucher", r"selected", r"guaranteed",
        r"gratuit", r"gagnant", r"félicitations", r"cadeau", r"garanti",
        r"مجانا", r"مجاني", r"جائزه", r"مبروك (?:لقد|ربحت)", r"هديه", r"فزت", r"مضمون",
    ),
    "contact_me": (
        r"contact (?:me|us)", r"text me", r"call (?:me|now|us)", r"dm me", r"message me",
        r"inbox me", r"reach me", r"contactez[- ](?:moi|nous)", r"écrivez[- ](?:moi|nous)",
        r"appelez", r"envoyez[- ]moi", r"mp moi",
        r"راسلني", r"راسلنا", r"تواصل (?:معي|معنا)", r"للتواصل", r"للطلب", r"للاستفسار",
        r"كلمني", r"اتصل",
    ),
    "urgent": (
        r"act now", r"limited (?:time|offer)", r"urgent", r"hurry", r"last chance", r"only today",
        r"offre limitée", r"dépêchez", r"dernière chance", r"aujourd'hui seulement",
        r"عاجل", r"قبل الحذف", r"لفتره محدوده", r"سارع", r"العرض ينتهي",
    ),
    "fake_docs": (
        r"fake (?:id|passport|diploma)", r"buy (?:a )?(?:diploma|degree|passport)",
        r"faux (?:papiers|diplômes?|permis)", r"permis de conduire sans",
        r"شهادات? (?:معتمده|للبيع)", r"شهاده (?:جامعيه|معتمده)", r"بحوث", r"حل واجبات",
    ),
}  # fmt: skip

THEMES: tuple[str, ...] = tuple(_THEMES)
# One alternation with a named group per theme: tells which theme matched.
# The leading \b lets the engine skip positions inside words: ~10x faster.
_COMPILED = re.compile(
    r"\b(?:" + "|".join(f"(?P<{name}>{'|'.join(pats)})" for name, pats in _THEMES.items()) + ")"
)
_META = frozenset("\\()[].*+?{}|^$")


def _by_first_letter(patterns: list[str]) -> str:
    """The same alternation grouped by literal first character (a one-level trie).

    The regex engine rejects a branch on its first literal in C, so ~40 groups
    are tried at each word start instead of 209 patterns: 3-5x faster.
    """
    groups: dict[str, list[str]] = {}
    other: list[str] = []
    for pattern in patterns:
        pattern = pattern.removeprefix("\\b")  # the finder starts with \b already
        if pattern and pattern[0] not in _META and pattern[1:2] not in ("?", "*", "+", "{"):
            groups.setdefault(pattern[0], []).append(pattern[1:])
        else:
            other.append(pattern)
    branches = [re.escape(c) + "(?:" + "|".join(rest) + ")" for c, rest in sorted(groups.items())]
    return "|".join(branches + other)


# Zero-width: yields every word start where some theme pattern matches; the
# named-group regex is then run there only (hits are rare in honest comments).
_FINDER = re.compile(
    r"\b(?=" + _by_first_letter([p for pats in _THEMES.values() for p in pats]) + ")"
)

# Link shorteners and free hosts that rarely appear in honest news comments.
SHORTENERS = frozenset(
    [
        "bit.ly",
        "goo.gl",
        "tinyurl.com",
        "t.co",
        "ow.ly",
        "is.gd",
        "buff.ly",
        "cutt.ly",
        "rebrand.ly",
        "shorturl.at",
        "tiny.cc",
        "rb.gy",
        "bl.ink",
        "lnkd.in",
        "s.id",
        "v.gd",
        "adf.ly",
        "shorte.st",
        "linktr.ee",
        "t.ly",
        "bitly.com",
    ]
)
SPAMMY_TLDS = frozenset(
    [
        "xyz",
        "top",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "click",
        "link",
        "loan",
        "work",
        "date",
        "win",
        "bid",
        "racing",
        "review",
        "stream",
        "download",
        "men",
        "party",
        "cam",
        "icu",
        "buzz",
        "rest",
        "casino",
        "bet",
    ]
)
DISPOSABLE_MAIL = frozenset(
    [
        "mailinator.com",
        "guerrillamail.com",
        "10minutemail.com",
        "yopmail.com",
        "tempmail.com",
        "trashmail.com",
        "sharklasers.com",
        "getnada.com",
        "temp-mail.org",
        "dispostable.com",
    ]
)


def theme_hits(normalized: str) -> dict[str, list[str]]:
    """For each theme present in the text, the words that matched it."""
    hits: dict[str, list[str]] = {}
    end = 0
    # Same matches as _COMPILED.finditer (tested), found several times faster.
    for candidate in _FINDER.finditer(normalized):
        start = candidate.start()
        if start < end:
            continue
        match = _COMPILED.match(normalized, start)
        if match is None:
            continue
        end = max(match.end(), start + 1)
        found = hits.setdefault(match.lastgroup or "", [])
        if len(found) < 3:
            found.append(match.group(0))
    return hits
