"""The toxicity reasons as short sentences in English, French and Arabic.

Rendering is the spam filter's (``causerie.spam.explain.render``): one
catalog per model, one way to read it.
"""

from __future__ import annotations

from causerie.spam.explain import LANGUAGES, Reason, render

__all__ = ["CATALOG", "LANGUAGES", "reason_label", "reason_text"]

CATALOG: dict[str, dict[str, str]] = {
    "insult": {
        "en": "insult ({words})",
        "fr": "insulte ({words})",
        "ar": "إهانة ({words})",
    },
    "vulgarity": {
        "en": "vulgarity ({words})",
        "fr": "vulgarité ({words})",
        "ar": "ألفاظ نابية ({words})",
    },
    "hate_group": {
        "en": "hate against a group ({words})",
        "fr": "haine envers un groupe ({words})",
        "ar": "كراهية تجاه فئة ({words})",
    },
    "personal_attack": {
        "en": "attack on a person ({words})",
        "fr": "attaque contre une personne ({words})",
        "ar": "هجوم على شخص ({words})",
    },
    "wording": {
        "en": "wording typical of offensive comments ({words})",
        "fr": "formulation typique des commentaires injurieux ({words})",
        "ar": "صياغة معتادة في التعليقات المسيئة ({words})",
    },
    "site_learned": {
        "en": "resembles comments this site's moderators found offensive",
        "fr": "ressemble à des commentaires jugés injurieux par les modérateurs du site",
        "ar": "يشبه تعليقات اعتبرها مشرفو الموقع مسيئة",
    },
    "site_learned_clean": {
        "en": "resembles comments this site's moderators found acceptable",
        "fr": "ressemble à des commentaires jugés acceptables par les modérateurs du site",
        "ar": "يشبه تعليقات اعتبرها مشرفو الموقع مقبولة",
    },
}


def reason_text(reason: Reason, lang: str | None = "en") -> str:
    """One toxicity reason as a short sentence in ``lang`` (fr, en or ar; else English)."""
    return render(CATALOG, reason, lang)


def reason_label(code: str, lang: str | None = "en") -> str:
    """The reason's name alone ("insulte"), for a badge or a filter in the dashboard."""
    return render(CATALOG, Reason(code, {}), lang)
