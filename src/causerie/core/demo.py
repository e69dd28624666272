"""The demo article's first comments, so that ``make demo`` opens on a lived-in thread.

On the first start with ``demo_seed`` on (``make demo`` sets it; a real site
never does), the French article at ``/demo`` gets a few comments in French
and Arabic, one of them a reply, and one held spam that the dashboard's queue
shows with the filter's reasons. A marker in the database's ``meta`` table
makes it happen once: a restart, or a second process, adds nothing, and
comments deleted by whoever tries the demo stay deleted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from causerie.core import markup
from causerie.core.comments import CommentService, reasons_json
from causerie.core.sites import DEFAULT_SITE
from causerie.spam import CommentSample
from causerie.store.records import CommentState, NewComment

MARKER = "demo_seeded"
URI = "/demo"
TITLE = "Casablanca : le tramway prolongé jusqu’à Aïn Sebaâ, les riverains partagés"


@dataclass(frozen=True)
class DemoComment:
    """One comment of the demo thread; ``reply_to`` is the index of its parent."""

    author: str
    lang: str
    text: str
    minutes_ago: int
    reply_to: int | None = None
    held_as_spam: bool = False


THREAD = (
    DemoComment(
        "Youssef B.",
        "fr",
        "Je prends la T1 tous les matins depuis Hay Mohammadi : vingt-cinq minutes au lieu "
        "d’une heure, c’est exactement ça. Reste à tenir les fréquences aux heures de pointe.",
        minutes_ago=185,
    ),
    DemoComment(
        "Fatima Zahra",
        "fr",
        "Gain de temps pour les voyageurs, oui. Mais pour nous, commerçants du boulevard, "
        "deux ans de travaux ont coûté cher, et l’indemnisation promise n’est **toujours** "
        "pas chiffrée.",
        minutes_ago=140,
        reply_to=0,
    ),
    DemoComment(
        "سعاد",
        "ar",
        "خبر جميل لسكان عين السبع. أتمنى أن يصل الترامواي قريبًا إلى بوسكورة كما وعدت "
        "الجماعة، فالطريق هناك مزدحم كل صباح.",
        minutes_ago=95,
    ),
    DemoComment(
        "Karim",
        "fr",
        "Quelqu’un sait si la concertation de janvier sur la T5 se fera aussi en ligne, "
        "ou seulement en mairie d’arrondissement ?",
        minutes_ago=40,
    ),
    DemoComment(
        "Investisseur Pro",
        "fr",
        "J’ai gagné 5 000 € en une semaine grâce au trading crypto avec mon conseiller ! "
        "Écrivez-lui sur WhatsApp au +212 6 12 34 56 78 pour doubler votre capital, gains "
        "garantis : https://gains-rapides.example",
        minutes_ago=20,
        held_as_spam=True,
    ),
)


def seed_demo(comments: CommentService) -> int:
    """Write the demo thread once per database; the number of comments written (0 after)."""
    store = comments.store
    token = secrets.token_hex(8)
    if store.meta_setdefault(MARKER, token) != token:
        return 0
    site = store.ensure_site(DEFAULT_SITE)
    now = comments.clock()
    written: list[int] = []
    for item in THREAD:
        parent = written[item.reply_to] if item.reply_to is not None else None
        new = _new_comment(comments, item, parent, now - item.minutes_ago * 60)
        written.append(store.insert_comment(site.id, URI, TITLE, new).id)
    return len(written)


def _new_comment(
    comments: CommentService, item: DemoComment, parent: int | None, created: float
) -> NewComment:
    # The spam is judged by the site's real filter, so the queue shows its real reasons.
    sample = CommentSample(content=item.text, author=item.author, lang=item.lang, permalink=URI)
    verdict = comments.spam.check(sample)
    return NewComment(
        parent_id=parent,
        state=CommentState.SPAM if item.held_as_spam else CommentState.APPROVED,
        author=item.author,
        text=item.text,
        html=markup.render(item.text),
        lang=item.lang,
        created=created,
        spam_score=round(verdict.score, 4),
        spam_verdict=verdict.verdict.value,
        spam_reasons=reasons_json(verdict),
    )
