"""A synthetic WordPress export of any size, for the import benchmarks (not a test fixture).

Posts of 20 comments each: French, Arabic and English texts with some HTML,
replies two to four levels deep, one comment in eight held or spam, one in
twenty a pingback, and addresses and e-mails like real ones.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import IO

TEXTS = [
    "Merci pour cet article, <b>très clair</b>. Je ne savais pas que la ligne passerait par là.",
    "Je ne suis pas d'accord avec la conclusion de l'auteur sur la réforme, voir "
    "https://exemple.fr/analyse pour une autre lecture.\n\nMais bon travail quand même.",
    "شكرا على المقال الرائع، <i>الله يعطيك الصحة</i>. متى سيبدأ العمل في المحطة الجديدة؟",
    'The minister should resign after this, honestly. <a href="https://example.org/x">Source</a>',
    "<blockquote>Les travaux dureront deux ans</blockquote>On nous disait la même chose en 2015.",
    "Bravo à l'équipe 👏 enfin un transport digne de ce nom à l'est de la ville.",
]
STATES = ["1"] * 14 + ["0", "spam"]
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Benchmark</title>
<wp:wxr_version>1.2</wp:wxr_version>
"""
PER_POST = 20


def _comment(rng: random.Random, cid: int, parent: int, post: int) -> str:
    kind = "pingback" if rng.random() < 0.05 else ""
    minute = cid % 60
    day = f"2015-0{post % 9 + 1}-1{post % 9}"
    return (
        "<wp:comment>\n"
        f"<wp:comment_id>{cid}</wp:comment_id>\n"
        f"<wp:comment_author><![CDATA[Lecteur {cid % 997}]]></wp:comment_author>\n"
        f"<wp:comment_author_email>lecteur{cid % 997}@exemple.fr</wp:comment_author_email>\n"
        f"<wp:comment_author_url>https://blog{cid % 31}.exemple.fr</wp:comment_author_url>\n"
        f"<wp:comment_author_IP>203.0.{cid % 250}.{cid % 200 + 1}</wp:comment_author_IP>\n"
        f"<wp:comment_date>{day} 10:{minute:02d}:00</wp:comment_date>\n"
        f"<wp:comment_date_gmt>{day} 09:{minute:02d}:00</wp:comment_date_gmt>\n"
        f"<wp:comment_content><![CDATA[{rng.choice(TEXTS)} ({cid})]]></wp:comment_content>\n"
        f"<wp:comment_approved>{rng.choice(STATES)}</wp:comment_approved>\n"
        f"<wp:comment_type>{kind}</wp:comment_type>\n"
        f"<wp:comment_parent>{parent}</wp:comment_parent>\n"
        "<wp:comment_user_id>0</wp:comment_user_id>\n"
        "<wp:commentmeta><wp:meta_key>akismet_result</wp:meta_key>"
        "<wp:meta_value>false</wp:meta_value></wp:commentmeta>\n"
        "</wp:comment>\n"
    )


def write(out: IO[str], *, comments: int | None = None, size: int | None = None) -> int:
    """Write a WXR of ``comments`` comments or about ``size`` bytes; return the comments."""
    rng = random.Random(13)
    out.write(HEAD)
    written = 0
    cid = 0
    post = 0
    while (comments is None or written < comments) and (size is None or out.tell() < size):
        post += 1
        out.write(
            f"<item>\n<title>Article {post}</title>\n"
            f"<link>https://journal.exemple/{2015 + post % 9}/article-{post}/</link>\n"
            f"<wp:post_id>{post}</wp:post_id>\n<wp:comment_status>open</wp:comment_status>\n"
        )
        first = cid + 1
        for index in range(PER_POST):
            cid += 1
            parent = 0 if index < 5 or rng.random() < 0.4 else rng.randrange(first, cid)
            out.write(_comment(rng, cid, parent, post))
        written += PER_POST
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")
    return written


def make(path: Path, **limits: int) -> int:
    """Write the corpus to a file; return its comments."""
    with path.open("w", encoding="utf-8") as out:
        return write(out, **limits)
