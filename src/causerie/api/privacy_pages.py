"""HTML of the privacy notice and of the pages behind links sent by e-mail.

The notice is written from the live configuration: retention periods, the
moderation mode, whether e-mail is on and through which server, the contact.
Change a setting and the page says so; there is no hand-written copy to rot.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from causerie.config import Settings
from causerie.core.i18n import direction
from causerie.core.identity import IPV4_PREFIX, IPV6_PREFIX
from causerie.core.privacy import LINK_MAX_AGE, notice_text
from causerie.core.readers import offered_methods, site_provider
from causerie.core.sites import SiteSettings
from causerie.core.threads import iso

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;"
    "color:#1a1a1a}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}"
    "form{margin:1rem 0}label{display:block;margin-bottom:.25rem}"
    "input[type=email]{font:inherit;padding:.4rem;width:100%;max-width:24rem}"
    "button{font:inherit;padding:.4rem 1rem;margin:.5rem .5rem 0 0;cursor:pointer}"
    "small{color:#555}"
)


@dataclass(frozen=True)
class NoticeFacts:
    """What the notice states, read from the configuration of one site."""

    site: str  # the site's name, sent back by the rights form
    title: str  # the site's title as readers know it ("" when the admin gave none)
    lang: str
    conf: SiteSettings
    settings: Settings
    mail_on: bool
    generated: float


def page(lang: str, title: str, body: str) -> str:
    """A complete, self-contained page (inline style, no outside resources)."""
    return (
        f'<!doctype html><html lang="{escape(lang)}" dir="{direction(lang)}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def paragraph(text: str) -> str:
    """One escaped paragraph."""
    return f"<p>{escape(text)}</p>"


def button_form(action: str, token: str, label: str) -> str:
    """A POST form carrying a token: links in mails never act on a mere GET."""
    return (
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def _t(facts: NoticeFacts, key: str, **params: object) -> str:
    return notice_text(key, facts.lang, **params)


def _section(title: str, items: list[str]) -> str:
    return f"<h2>{escape(title)}</h2>" + "".join(paragraph(i) for i in items)


def _collected(f: NoticeFacts) -> str:
    c = f.conf
    items = [
        _t(f, "notice.field.name_optional" if c.allow_anonymous else "notice.field.name"),
        _t(f, "notice.field.text"),
        _t(f, "notice.field.email"),
    ]
    if f.mail_on:
        items.append(_t(f, "notice.field.notify"))
    items += [
        _t(f, "notice.field.website"),
        _t(f, "notice.field.ip", v4=f"/{IPV4_PREFIX}", v6=f"/{IPV6_PREFIX}"),
        _t(f, "notice.field.user_agent"),
        _t(f, "notice.field.avatar"),
        _t(f, "notice.field.spam" if f.settings.spam_filter else "notice.field.no_spam"),
        _t(f, f"notice.moderation.{c.moderation}"),
    ]
    return _section(_t(f, "notice.collected.title"), items)


def _retention(f: NoticeFacts) -> str:
    c = f.conf
    items = [
        _t(f, "notice.retention.comments"),
        _t(f, "notice.retention.personal", days=c.personal_data_retention_days),
        _t(
            f, "notice.retention.spam", days=c.spam_retention_days, discard=c.discard_retention_days
        ),
    ]
    if f.mail_on:
        items.append(_t(f, "notice.retention.unconfirmed", days=c.unconfirmed_retention_days))
    items.append(_t(f, "notice.retention.log", days=f.settings.privacy_log_retention_days))
    return _section(_t(f, "notice.retention.title"), items)


def _recipients(f: NoticeFacts) -> str:
    items = [_t(f, "notice.third.none")]
    if f.mail_on:
        items.append(_t(f, "notice.third.mail", host=f.settings.smtp_host))
    else:
        items.append(_t(f, "notice.third.nomail"))
    return _section(_t(f, "notice.third.title"), items)


def _sign_in(f: NoticeFacts) -> str:
    """Each sign-in method the site offers, and what it keeps."""
    methods = offered_methods(f.conf, f.mail_on)
    if not methods:
        return _section(_t(f, "notice.signin.title"), [_t(f, "notice.signin.none")])
    items = []
    for method in methods:
        if method == "oidc":
            provider = site_provider(f.conf)
            items.append(_t(f, "notice.signin.oidc", provider=provider.name))
            if provider.keep_email:
                items.append(_t(f, "notice.signin.oidc_email", provider=provider.name))
        else:
            items.append(_t(f, f"notice.signin.{method}"))
    items.append(_t(f, "notice.signin.session"))
    return _section(_t(f, "notice.signin.title"), items)


def _rights(f: NoticeFacts) -> str:
    hours = int(LINK_MAX_AGE // 3600)
    if not f.mail_on:
        return _section(_t(f, "notice.rights.title"), [_t(f, "notice.rights.nomail")])
    lang, site = escape(f.lang), escape(f.site)
    form = (
        '<form method="post" action="/privacy/request">'
        f'<input type="hidden" name="site" value="{site}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<label for="privacy-email">{escape(_t(f, "notice.form.email"))}</label>'
        '<input id="privacy-email" type="email" name="email" required autocomplete="email">'
        f'<div><button name="kind" value="export">{escape(_t(f, "notice.form.export"))}</button>'
        f'<button name="kind" value="erase">{escape(_t(f, "notice.form.erase"))}</button></div>'
        "</form>"
    )
    body = _section(_t(f, "notice.rights.title"), [_t(f, "notice.rights.body", hours=hours)])
    return body + form + paragraph(_t(f, "notice.rights.authority"))


def notice(f: NoticeFacts) -> str:
    """The whole privacy notice of one site, in one language."""
    contact = f.conf.privacy_contact.strip()
    controller = (
        _t(f, "notice.controller.body", contact=contact)
        if contact
        else _t(f, "notice.controller.missing")
    )
    minutes = max(1, f.conf.edit_window_seconds // 60)
    body = (
        # Never the internal name ("default") in a sentence: without a title, no name at all.
        paragraph(
            _t(f, "notice.intro", site=f.title) if f.title else _t(f, "notice.intro.untitled")
        )
        + _section(_t(f, "notice.controller.title"), [controller])
        + _collected(f)
        + _sign_in(f)
        + _retention(f)
        + _recipients(f)
        + _section(_t(f, "notice.browser.title"), [_t(f, "notice.browser.body", minutes=minutes)])
        + _rights(f)
        + f"<p><small>{escape(_t(f, 'notice.generated', date=iso(f.generated) or ''))}</small></p>"
    )
    return page(f.lang, _t(f, "notice.title"), body)
