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
