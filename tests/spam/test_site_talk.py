"""Blog spam that talks about the blog, not the post; category names beside a website.

Both ways: classic templates fire, a real reader's praise about the post, a
developer's link or a single remark about the site do not.
"""

from __future__ import annotations

import math
import re
import re._parser as sre_parser

import pytest

from causerie.spam import context
from causerie.spam import datasets as ds
from causerie.spam import site_talk as st
from causerie.spam.blog import author_category
from causerie.spam.context import context_reasons
from causerie.spam.text import normalize
from causerie.spam.verdict import CommentSample

POST = "Red lentil soup for cold evenings"

TEMPLATES = [
    "Lucky me I came across your blog by chance, I have saved it for later!",
    "Hey there, your site has browser compatibility issues in Internet Explorer. "
    "Keep up the good work!",
    "I'm new to blogging, any tips? I love the theme of your blog, which template is it?",
    "Hello webmaster, I found your website via Google and subscribed to your RSS feed.",
    "Fastidious piece of writing, I will come back to your blog for more.",
    "Your website loads very fast, what web host are you using? Great blog by the way.",
    "Je suis tombé par hasard sur votre blog, je l'ai mis dans mes favoris, je reviendrai !",
    "Merci au webmestre, j'ai ajouté votre site à mes favoris.",
]
READERS = [
    "Great post, thanks for sharing!",
    "Great post, thanks for sharing! The lentil soup was perfect with paprika.",
    "Great article, I bookmarked it.",
    "Such a helpful post, I've saved it for later.",
    "Your RSS feed seems broken since the redesign, the items have no dates.",
    "Nice blog! I just found it and I'm going to read the older posts too.",
    "Hi, do you accept guest posts? I write about accessibility testing.",
    "The fix is tracked at https://github.com/python/cpython/issues/112215",
    "Tested on Firefox 128 and the layout is broken on the comments page.",
    "J'adore ce blog, continuez comme ça !",
    "Le flux RSS ne marche plus chez moi depuis la mise à jour, c'est normal ?",
]


def site_talk(content: str, **fields: str) -> float:
    sample = CommentSample(content, article_title=POST, **fields)  # type: ignore[arg-type]
    return sum(r.weight for r in context_reasons(sample) if r.code == "site_talk")


@pytest.mark.parametrize("text", TEMPLATES)
def test_templates_that_talk_about_the_blog_fire(text: str) -> None:
    assert site_talk(text) >= context.SITE_TALK_MIN_CUES * context.SITE_TALK_WEIGHT
    assert site_talk(text) <= context.SITE_TALK_MAX_CUES * context.SITE_TALK_WEIGHT


@pytest.mark.parametrize("text", READERS)
def test_readers_praise_links_and_single_remarks_do_not(text: str) -> None:
    assert site_talk(text) == 0.0


def test_generic_praise_counts_only_off_the_post() -> None:
    template = "I came across your blog by chance. Keep up the good work!"
    assert st.site_cues(normalize(template), off_topic=False) == {"found": "came across your blog"}
    assert "generic_praise" in st.site_cues(normalize(template), off_topic=True)
    # Generic praise and saving "it" are never cues alone.
    assert st.site_cues(normalize("Great post, I bookmarked it."), off_topic=True) == {}


def test_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "SITE_TALK", False)
    assert site_talk(TEMPLATES[0]) == 0.0


@pytest.mark.parametrize("text", TEMPLATES + READERS)
def test_gates_lose_no_match(text: str) -> None:
    """A cue's substring gate is in every text its patterns match."""
    norm = normalize(text)
    for gates, pattern in st._CUE_RES.values():
        if pattern.search(norm):
            assert any(g in norm for g in gates)


def test_no_written_ham_row_fires() -> None:
    """The project's written ham (blog readers, French, English), as the filter sees it."""
    rows = ds.blog_comments() + ds.french_train() + ds.written_training()
    ham = [r for r in rows if r.label == 0]
    assert len(ham) > 500
    fired = [
        r.text for r in ham if any(x.code == "site_talk" for x in context_reasons(ds.sample_of(r)))
    ]
    assert fired == []


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("House & Home Improvement", True),
        ("Technology", True),
        ("Pets/animal", True),
        ("travel and leisure", True),
        ("Cheap Hotels", True),  # commercial nouns only
        ("Sarah Price", False),
        ("Club rando", False),
        ("Maria's Bakery", False),
        ("jb", False),
        ("https://cheap.example", False),
    ],
)
def test_author_category(name: str, category: bool) -> None:
    assert bool(author_category(name)) is category


def test_a_category_name_counts_only_beside_a_website() -> None:
    def author_weight(**fields: str) -> float:
        sample = CommentSample("Thanks, this helped me a lot.", **fields)  # type: ignore[arg-type]
        return sum(r.weight for r in context_reasons(sample) if r.code == "author_phrase")

    assert author_weight(author="Travel & Leisure", url="http://x-deals.example") == (
        context.AUTHOR_CATEGORY_WEIGHT
    )
    assert author_weight(author="Gaming 101") == 0.0  # a YouTube handle, no website
    assert author_weight(author="Sarah Price", url="https://sarahprice.example") == 0.0


def test_off_topic_is_not_read_in_a_comment_with_its_own_link_or_address() -> None:
    def codes(content: str) -> set[str]:
        sample = CommentSample(content, article_title="Bits, bytes and text encodings")
        return {r.code for r in context_reasons(sample)}

    plain = "I have been browsing online for hours and never found such an interesting website"
    assert "off_topic" in codes(plain)
    link = "I wrote a follow-up with benchmarks on my blog: https://lenavogt.de/posts/utf8-bench"
    assert "off_topic" not in codes(link)
    mail = "Je coordonne un projet associatif sur le même sujet : paul.girard@laposte.net"
    assert "off_topic" not in codes(mail)


def test_only_the_start_of_a_long_comment_is_read() -> None:
    template = normalize(TEMPLATES[3])
    assert st.site_cues(template)
    assert st.site_cues("x " * st.MAX_CHARS + template) == {}


def test_site_talk_holds_but_never_discards_on_its_own() -> None:
    from causerie.spam.filter import Filter
    from causerie.spam.verdict import Verdict

    shipped = Filter.load(remember_spam=False)
    sample = CommentSample(
        "I came across your blog via Google and subscribed to your RSS feed.",
        author="Emma Hart",
        article_title="Sourdough for beginners",
    )
    analysis = shipped.analyse(sample)
    talk = sum(r.weight for r in analysis.context if r.code == "site_talk")
    assert talk > 0
    sure = math.log(shipped.discard_threshold / (1 - shipped.discard_threshold))
    assert analysis.base_logit > sure  # sure enough for a discard with the site talk …
    assert analysis.base_logit - talk < sure  # … and not without it
    assert shipped.check(sample).verdict is Verdict.SPAM


def test_the_look_ahead_changes_no_match() -> None:
    """Each cue's pattern finds what the plain alternation finds, at the same place."""
    rows = ds.blog_comments() + ds.written_training()
    texts = [normalize(t) for t in TEMPLATES + READERS] + [normalize(r.text) for r in rows]
    compiled = [st._CUE_RES[cue][1] for cue in st._CUES]
    plain = [re.compile("|".join(f"(?:{p})" for p in ps)) for ps in st._CUES.values()]
    compiled += [st._GENERIC_RE, st._SAVED_IT_RE]
    plain += [re.compile("|".join(f"(?:{p})" for p in ps)) for ps in (st._GENERIC, st._SAVED_IT)]
    assert all(p.pattern.startswith("(?=") for p in compiled)
    found = 0
    for text in texts:
        for fast, slow in zip(compiled, plain, strict=True):
            a, b = fast.search(text), slow.search(text)
            assert (a and a.span()) == (b and b.span())
            found += a is not None
    assert found > 50


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"\brss\b|[a-c]x", {"rss", "ax", "bx", "cx"}),
        (r"(?:your|the) feed|(?:ab)+c", {"you", "the", "ab"}),
        (r"e-?mail|book ?mark", {"e-", "ema", "boo"}),
        (r"(?:a )?blog", {"a ", "blo"}),  # after a repeated item: not worked out
        (r"(?:ab)?", None),  # may match nothing
        (r".feed", None),
        (r"[^x]y", None),
        (r"x|\w+", None),
        (r"x|(?i:ab)", None),  # case-blind: not worked out
    ],
)
def test_match_starts(pattern: str, starts: set[str] | None) -> None:
    assert st._prefixes(list(sre_parser.parse(pattern))) == starts


def test_the_gate_trie_finds_any_gate() -> None:
    """The grouped gate pattern finds a gate exactly when some gate string is in the text."""
    gates = {g for gs in st._GATES.values() for g in gs}
    rows = ds.blog_comments() + ds.written_training()
    texts = [normalize(t) for t in TEMPLATES + READERS] + [normalize(r.text) for r in rows]
    texts += [g[1:] for g in gates] + [f"x{g}y" for g in gates]
    for text in texts:
        assert (st._ANY_GATE_RE.search(text) is not None) == any(g in text for g in gates)
