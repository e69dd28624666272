"""Readers' mails: text and HTML in the reader's language, RTL in Arabic, one-click unsubscribe."""

from __future__ import annotations

import pytest

from tests.conftest import MakeClient
from tests.privacy.conftest import Mailbox, body_of, link_in
from tests.privacy.helpers import post

READER = "reader@example.org"


@pytest.mark.parametrize(
    ("lang", "direction", "word"),
    [("fr", "ltr", "répondu"), ("en", "ltr", "replied"), ("ar", "rtl", "رد")],
)
def test_reply_mails_are_multipart_in_the_readers_language_with_one_click_unsubscribe(
    make_client: MakeClient, mailbox: Mailbox, lang: str, direction: str, word: str
) -> None:
    client = make_client(**mailbox.settings())
    parent = post(client, author="Samira", email=READER, notify=True, lang=lang)
    confirm = mailbox.wait_for(1)[0]
    assert confirm["Content-Language"] == lang and confirm.is_multipart()
    html = confirm.get_body(("html",))
    assert html is not None and f'dir="{direction}"' in str(html.get_content())
    token = link_in(confirm, "/privacy/subscribe")
    assert f"/privacy/subscribe?token={token}" in str(html.get_content())  # a clickable link
    assert client.post("/privacy/subscribe", data={"token": token}).status_code == 200
    post(client, author="Karim", text="Je réponds", parent=parent["id"])
    reply = mailbox.wait_for(2)[1]
    assert word in reply["Subject"] and reply["Content-Language"] == lang
    assert [p.get_content_type() for p in reply.iter_parts()] == ["text/plain", "text/html"]
    assert "Je réponds" in body_of(reply)
    assert reply["X-Causerie-Delivery"] and reply["Message-ID"].startswith("<")
    assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # What a mail client does for RFC 8058: POST the form body to the header's URL.
    unsubscribe = reply["List-Unsubscribe"].strip("<>")
    done = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    post(client, author="Karim", text="Encore", parent=parent["id"])
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert runtime.outbox.drain() and len(mailbox.messages) == 2
