"""The privacy notice says what the live configuration does, in fr, en and ar."""

from __future__ import annotations

import re

from tests.conftest import MakeClient
from tests.privacy.helpers import service


def test_notice_follows_the_settings(make_client: MakeClient) -> None:
    client = make_client()
    page = client.get("/privacy?lang=en")
    assert page.status_code == 200 and page.headers["content-language"] == "en"
    text = page.text
    assert "after 90 days" in text and "after 30 days" in text and "after 7 days" in text
    assert "sends no e-mail" in text and "<form" not in text
    assert "has not published a contact" in text
    assert "published at once" in text
    assert "never stored" in text and "/24" in text and "/48" in text
    assert "Gravatar" in text and "No cookies" in text
    service(client).store.update_site_settings(
        "default",
        {
            "personal_data_retention_days": 45,
            "moderation": "hold_all",
            "privacy_contact": "Rédaction <dpo@journal.example>",
        },
    )
    changed = client.get("/privacy?lang=en").text
    assert "after 45 days" in changed and "after 90 days" not in changed
    assert "waits for a moderator" in changed
    assert "Rédaction &lt;dpo@journal.example&gt;" in changed  # escaped, never raw HTML


def test_notice_with_mail_on_names_the_mail_server_and_offers_the_form(
    make_client: MakeClient,
) -> None:
    client = make_client(smtp_host="mail.journal.example", unconfirmed_retention_days=5)
    text = client.get("/privacy", headers={"Accept-Language": "fr-MA,fr;q=0.9"}).text
    assert 'lang="fr"' in text and "mail.journal.example" in text
    assert "après 5 jours" in text
    assert 'action="/privacy/request"' in text and 'name="email"' in text


def test_notice_is_right_to_left_in_arabic_and_loads_nothing_from_elsewhere(
    make_client: MakeClient,
) -> None:
    client = make_client()
    text = client.get("/privacy?lang=ar").text
    assert 'lang="ar" dir="rtl"' in text and "سياسة الخصوصية" in text
    assert not re.search(r"(src|href)=", text)
    assert "{" not in text.split("<style>")[0] + text.split("</style>")[1]  # no unfilled slot


def test_notice_names_the_site_by_its_title_never_by_its_internal_name(
    make_client: MakeClient,
) -> None:
    client = make_client(smtp_host="mail.journal.example")
    untitled = {lang: client.get(f"/privacy?lang={lang}").text for lang in ("fr", "en", "ar")}
    assert "de ce serveur de commentaires." in untitled["fr"]
    assert "of this comment server." in untitled["en"]
    assert "لخادم التعليقات هذا." in untitled["ar"]
    for text in untitled.values():
        assert "default" not in text.split('name="site"')[0], "the name only in the form"
        assert '<input type="hidden" name="site" value="default">' in text

    service(client).store.ensure_site("atlas", "Le Quotidien de l’Atlas")
    titled = client.get("/privacy?site=atlas&lang=fr").text
    assert "du serveur de commentaires du site « Le Quotidien de l’Atlas »." in titled
    # The rights form names the site by its name, which the API knows it by.
    assert '<input type="hidden" name="site" value="atlas">' in titled
