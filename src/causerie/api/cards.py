"""What a moderator's card shows beyond the comment: reasons, reports, parent, link, reader.

Reasons come in one list of ``{code, text, weight}`` in the moderator's
language, whoever gave them: the spam filter (``spam/messages.py``), the
desk's rules and words, the external hook (``reason.<code>`` in the
catalogs); other detectors add theirs in the same shape.
"""

from __future__ import annotations

import json
from typing import Any

from causerie.core.i18n import catalog, translate
from causerie.core.sites import SiteSettings
from causerie.core.threads import iso
from causerie.core.toxicity import stored_reasons
from causerie.spam import SpamReason
from causerie.spam.messages import CATALOG as SPAM_REASONS
from causerie.spam.messages import reason_text
from causerie.store.records import REPORT_REASONS, CommentRecord, QueueRow, ReportSummary
from causerie.toxicity import Reason, reason_label
from causerie.toxicity import reason_text as toxicity_text

ADDRESS = "ip-"


def reason_views(raw: str, lang: str) -> list[dict[str, Any]]:
    """The stored reasons of a comment as the dashboard shows them."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        code = str(item.get("code", ""))
        params = item.get("params") or {}
        weight = item.get("weight", 0)
        out.append({"code": code, "text": _text(code, params, weight, lang), "weight": weight})
    return out


def _text(code: str, params: dict[str, Any], weight: Any, lang: str) -> str:
    if code in SPAM_REASONS or f"reason.{code}" not in catalog("en"):
        return reason_text(SpamReason(code, params, weight), lang)
    return translate(f"reason.{code}", lang, **params)


def report_view(summary: ReportSummary | None, lang: str) -> dict[str, Any] | None:
    """A comment's reports on its card: open ones by reason (in words), all-time total."""
    if summary is None:
        return None
    reasons = [
        {"code": code, "text": translate(f"report.reason.{code}", lang), "count": count}
        for code, count in sorted(
            summary.open_by_reason.items(), key=lambda kv: (-kv[1], REPORT_REASONS.index(kv[0]))
        )
    ]
    return {
        "open": summary.open,
        "total": summary.total,
        "reasons": reasons,
        "texts": list(summary.texts),
    }


def toxicity_view(c: CommentRecord, lang: str) -> dict[str, Any] | None:
    """The toxicity model's verdict on a card: score, policy outcome, reasons in words."""
    if c.toxicity_score is None:
        return None
    return {
        "score": c.toxicity_score,
        "flag": c.toxicity_flag,
        "reasons": [
            {
                "code": r["code"],
                "label": reason_label(r["code"], lang),
                "text": toxicity_text(Reason(r["code"], r["params"], r["weight"]), lang),
                "weight": r["weight"],
            }
            for r in stored_reasons(c.toxicity_reasons)
        ],
    }


def site_link(conf: SiteSettings, uri: str) -> str | None:
    """The article's address: the uri when absolute, else on the site's first allowed origin."""
    if uri.startswith(("https://", "http://")):
        return uri
    if conf.allowed_origins and uri.startswith("/"):
        return conf.allowed_origins[0] + uri
    return None


def card_extras(
    row: QueueRow, summary: ReportSummary | None, link: str | None, lang: str
) -> dict[str, Any]:
    """The desk's fields of a queue card (docs/api.md, "The newsroom desk")."""
    c = row.comment
    parent = row.parent
    reasons = reason_views(c.spam_reasons, lang)
    hidden = bool(summary and summary.open) and c.state.value == "pending"
    if hidden and summary is not None:
        text = translate("reason.reports_hidden", lang, count=summary.open)
        reasons.append({"code": "reports_hidden", "text": text, "weight": 0})
    return {
        "link": link,
        "parent_comment": {
            "id": parent.id,
            "author": parent.author,
            "excerpt": parent.excerpt,
            "state": parent.state.value,
        }
        if parent
        else None,
        "reasons": reasons,
        "reports": report_view(summary, lang),
        "reader": None if c.by_site else c.author_key,
        "reader_address": ADDRESS + c.ip_hash if c.ip_hash else None,
        "featured": c.featured,
        "reviewed": iso(c.reviewed),
        "hidden_by_reports": hidden,
        "toxicity": toxicity_view(c, lang),
    }
