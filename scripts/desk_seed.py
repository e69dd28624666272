"""A morning in a newsroom, seeded through the real APIs, for the desk's pictures.

Used by ``scripts/dashboard_screens.py``. Every comment goes through the public API
(so the shipped spam filter judges it and the site's moderation mode holds first
comments); decisions go through the admin API; readers' reports come from
distinct addresses (``X-Forwarded-For``, the server trusting 127.0.0.1).
"""

from __future__ import annotations

from typing import Any

import httpx

ARTICLES = {
    "tram": (
        "/2026/12/tramway-casablanca-ligne-5",
        "Casablanca : la ligne 5 du tramway ouvrira au printemps",
    ),
    "huile": (
        "/2026/12/prix-huile-olive",
        "Le prix de l'huile d'olive recule pour la première fois depuis trois ans",
    ),
    "pluie": ("/ar/2026/12/amtar-sudud", "موسم الأمطار: السدود تمتلئ بنسبة 40 في المئة"),
}

# (key, article, author, e-mail, address, text, parent key)
COMMENTS = [
    (
        "karim",
        "tram",
        "Karim",
        "karim.t@mail.example",
        "198.51.100.11",
        "Le chantier bloque la rue Ibn Tachfine depuis huit mois "
        "et personne ne nous a prévenus des déviations.",
        None,
    ),
    (
        "samira1",
        "tram",
        "Samira",
        "samira.b@mail.example",
        "198.51.100.12",
        "Enfin ! J'habite à Sidi Moumen et le trajet en bus prend une heure. "
        "Espérons que le calendrier soit tenu.",
        None,
    ),
    (
        "rachid",
        "tram",
        "Rachid",
        "rachid@mail.example",
        "198.51.100.13",
        "Encore une promesse de ces élus incapables, "
        "ils ne savent que se remplir les poches. Honte à eux.",
        None,
    ),
    (
        "fatima",
        "pluie",
        "فاطمة الزهراء",
        "fz@mail.example",
        "198.51.100.14",
        "الحمد لله على هذه الأمطار، الفلاحون في منطقة سايس كانوا ينتظرونها منذ ثلاث سنوات.",
        None,
    ),
    (
        "nadia",
        "huile",
        "Nadia",
        "nadia@mail.example",
        "198.51.100.15",
        "À Meknès le litre est encore à 95 dirhams au souk. La baisse n'est pas arrivée partout.",
        None,
    ),
    (
        "samira2",
        "huile",
        "Samira",
        "samira.b@mail.example",
        "198.51.100.12",
        "Chez nous à Casablanca, toujours 100 dirhams le litre. Qui profite de la baisse ?",
        None,
    ),
    (
        "youssef",
        "tram",
        "Youssef",
        "youssef@mail.example",
        "198.51.100.16",
        "@Karim la commune a publié le plan des déviations sur son site, rubrique transports.",
        "karim",
    ),
    (
        "hamza",
        "pluie",
        "حمزة",
        "hamza@mail.example",
        "198.51.100.17",
        "يجب ترشيد استهلاك الماء حتى مع امتلاء السدود، فالجفاف قد يعود في أي سنة.",
        None,
    ),
    (
        "leila",
        "huile",
        "Leïla",
        "",
        "198.51.100.18",
        "Article très clair, merci. Une carte des prix par région serait utile.",
        None,
    ),
    (
        "spam1",
        "huile",
        "Gagner Argent",
        "bonus@cash-rapide.example",
        "203.0.113.50",
        "Gagnez 3000 € par semaine depuis chez vous !!! Inscription gratuite : https://bit.ly/argent-facile-2026",
        None,
    ),
    (
        "spam2",
        "tram",
        "CryptoPro",
        "vip@crypto-gain.example",
        "203.0.113.51",
        "Investissez dans le Bitcoin, 500 % de profit garanti ! Contact WhatsApp +44 7700 900123 https://crypto-gain.example",
        None,
    ),
    (
        "spam3",
        "pluie",
        "ربح سريع",
        "win@arba7.example",
        "203.0.113.52",
        "اربح المال بسرعة من المنزل 💰💰 سجل الآن عبر الرابط "
        "https://arba7-now.example واحصل على مكافأة",
        None,
    ),
]
# Insults the shipped toxicity model holds for review (the site's default policy).
TOXIC = [
    (
        "insulte",
        "tram",
        "Zakaria",
        "",
        "198.51.100.60",
        "Espèce d'abruti, ferme-la, t'es qu'un sale con qui n'a jamais pris le tram.",
        None,
    ),
    (
        "darija",
        "pluie",
        "سعيد",
        "",
        "198.51.100.61",
        "سكت آ الحمار، ولد الحرام، ما فاهم والو",
        None,
    ),
]
APPROVE = ["karim", "samira1", "rachid", "fatima", "nadia"]
LATER = ["samira2"]  # posted once her first comment is published: no longer held
REPORTS = [
    ("rachid", "abuse", "", "198.51.100.40"),
    ("rachid", "abuse", "", "198.51.100.41"),
    (
        "rachid",
        "other",
        "Attaque personnelle contre les élus, sans rapport avec le tramway.",
        "198.51.100.42",
    ),
    ("nadia", "off_topic", "", "198.51.100.43"),
]
FEATURE = ["fatima"]
CONFIRMED = ["spam2"]


def _post(
    http: httpx.Client, url: str, site: str, ids: dict[str, int], row: tuple[Any, ...]
) -> None:
    key, article, author, email, address, text, parent = row
    uri, title = ARTICLES[article]
    body = {
        "uri": uri,
        "title": title,
        "site": site,
        "author": author,
        "text": text,
        "lang": "ar" if article == "pluie" else "fr",
    }
    if email:
        body["email"] = email
    if parent:
        body["parent"] = ids[parent]
    answer = http.post(url + "/api/comments", json=body, headers={"X-Forwarded-For": address})
    answer.raise_for_status()
    ids[key] = int(answer.json()["id"])


def seed(url: str, email: str, password: str, site: str) -> dict[str, int]:
    """Post, decide, report and feature; the comments' ids by key."""
    ids: dict[str, int] = {}
    with (
        httpx.Client(timeout=30) as http,
        httpx.Client(base_url=url + "/api/admin", timeout=30) as admin,
    ):
        csrf = admin.post("/login", json={"email": email, "password": password}).json()["csrf"]
        headers = {"X-CSRF-Token": csrf}

        def act(action: str, keys: list[str]) -> None:
            done = admin.post(
                "/comments/action",
                json={"action": action, "ids": [ids[k] for k in keys]},
                headers=headers,
            )
            done.raise_for_status()

        for row in COMMENTS:
            if row[0] not in LATER:
                _post(http, url, site, ids, row)
        act("approve", APPROVE)
        for row in COMMENTS:
            if row[0] in LATER:
                _post(http, url, site, ids, row)
        for key, reason, text, address in REPORTS:
            body = {"reason": reason, "lang": "fr", **({"text": text} if text else {})}
            answer = http.post(
                f"{url}/api/comments/{ids[key]}/reports",
                json=body,
                headers={"X-Forwarded-For": address},
            )
            answer.raise_for_status()
        act("feature", FEATURE)
        act("spam", CONFIRMED)  # a moderator confirms the filter: the overview's precision
        for row in TOXIC:  # held by the toxicity model: the To-check queue
            _post(http, url, site, ids, row)
    return ids
