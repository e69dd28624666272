"""Blog-comment signals: who the author says he is, where his website points, and
whether the comment is about the post.

Classic blog spam hides its intent outside the text: the comment is generic
praise ("I have saved it for later") that fits any post, the link sits in the
website field and the name is the anchor text the spammer buys ("cheap car
insurance"). A blog owner reads the three together; so does this module.

None of this is learned from the WordPress rows: the commercial nouns below
are the generic vocabulary of search-engine anchors (shops, services, finance,
health, games), written from general knowledge before the WordPress rows were
read, and the reference domains are the public encyclopedias, code hosts,
package indexes and institutions a reader links to when he explains
something. The website field's mere presence is never evidence.

    >>> author_phrase("best memory foam mattress")
    ('best', 'mattress')
    >>> author_phrase("Sarah Price")
    ()
    >>> author_category("Travel & Leisure")
    ('travel', 'leisure')
"""

from __future__ import annotations

import functools
import re

from causerie.spam import text as tx


def _word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text."""
    return frozenset(text.split())


# Nouns and adjectives of commercial anchors, in English and French. A word
# here is not spam by itself ("Sarah Price"): a *phrase* of several words that
# contains them, shaped unlike a person's name, is.
_COMMERCIAL = _word_set(
    """
    best cheap cheapest buy online review reviews price prices sale sales discount deals deal
    coupon coupons shop shopping store stores service services repair repairs insurance loan
    loans mortgage credit lawyer lawyers attorney dentist dental clinic hotel hotels travel
    booking tickets rental rentals cleaning cleaners plumber plumbing roofing locksmith movers
    moving agency marketing seo hosting software download downloads free casino betting poker
    pills diet supplement supplements cream skincare fashion shoes bags handbags watches jewelry
    jewellery furniture mattress mattresses sofa kitchen garden equipment parts auto cars
    company solutions products supplies wholesale factory manufacturer manufacturers cheats hack
    generator followers tips guide replica outlet essay essays writing loss weight pain
    treatment remedy remedies recipes bonus forex trading bitcoin crypto
    achat acheter meilleur meilleure pas cher prix vente location devis serrurier plombier
    assurance crédit voyance rachat avocat agence boutique livraison promo soldes gratuit
    dépannage rénovation nettoyage
    """
)
_LETTERS_RE = re.compile(r"[^\W\d_]+")

# The topic categories of article directories and web directories (written
# from general knowledge of them, in English and French, after the WordPress
# training part showed names such as "Home Improvement" or "Technology"): a
# blog spammer's name is often one of them, a reader's never is.
_CATEGORY = _word_set(
    """
    arts entertainment automotive auto autos cars car motorcycles business businesses finance
    financial careers career jobs job employment communications computers computer internet
    technology tech electronics gadgets software education reference family parenting kids
    teens food drink drinks cooking recipes gaming games game health healthy fitness wellness
    medicine medical beauty hobbies hobby home house garden gardening improvement decor
    kitchen remodeling remodel real estate realty insurance legal law marketing advertising
    news society politics pets pet animals animal relationships relationship dating wedding
    weddings religion spirituality science shopping sports sport travel leisure recreation
    tourism women woman womens men mens fashion style music movies photography investing
    lifestyle outdoors environment energy crafts diy books culture healthcare jewelry
    jewellery clothing furniture nutrition diet weight loss life living interior design
    maison jardin santé voyage voyages mode beauté cuisine immobilier moto loisirs
    technologie informatique emploi famille animaux mariage actualité société éducation
    décoration déco bricolage musique jeux
    """
)
# Words that join categories in a directory's name ("Travel & Leisure").
_CATEGORY_JOINERS = _word_set("and et of the for ideas tips general")

# Sites a reader links to in order to explain or prove something: their pages
# are written by many hands or by an institution, not by the commenter.
REFERENCE_DOMAINS = _word_set(
    """
    wikipedia.org wikimedia.org wiktionary.org wikidata.org wikisource.org archive.org
    github.com gitlab.com bitbucket.org codeberg.org sourceforge.net framagit.org sr.ht
    pypi.org npmjs.com crates.io rubygems.org packagist.org pkg.go.dev hackage.haskell.org
    cran.r-project.org metacpan.org nuget.org hub.docker.com
    stackoverflow.com stackexchange.com superuser.com serverfault.com askubuntu.com
    developer.mozilla.org python.org rust-lang.org kernel.org debian.org ubuntu.com
    fedoraproject.org
    w3.org ietf.org rfc-editor.org whatwg.org unicode.org
    arxiv.org doi.org hal.science openedition.org persee.fr cairn.info ncbi.nlm.nih.gov
    openstreetmap.org europa.eu un.org who.int oecd.org
    legifrance.gouv.fr service-public.fr insee.fr bnf.fr
    """
)
# Public institutions and universities by suffix.
REFERENCE_SUFFIXES = (
    ".gov",
    ".edu",
    ".int",
    ".gouv.fr",
    ".gov.uk",
    ".ac.uk",
    ".gov.ma",
    ".edu.au",
    ".gc.ca",
    ".admin.ch",
    ".europa.eu",
)

# Words too common to say that a comment is about the post.
_STOP = _word_set(
    """
    this that with have from your about what when where which there their they them been were
    will would could should just like very really also more some than then into only other
    such over these those here even much many most post article blog thanks thank great nice
    good cette sont avec pour dans plus mais nous vous leur leurs tout tous très bien merci
    article billet aussi comme fait faire être avoir était quand
    """
)


def is_reference_domain(domain: str) -> bool:
    """True for a reference domain or any of its subdomains (``fr.wikipedia.org``)."""
    domain = domain.lower().strip(".")
    if domain.endswith(REFERENCE_SUFFIXES):
        return True
    parts = domain.split(".")
    return any(".".join(parts[i:]) in REFERENCE_DOMAINS for i in range(len(parts) - 1))


def commercial_words(author: str) -> tuple[str, ...]:
    """The commercial nouns of a name, in order (``"Best Mattress"`` -> best, mattress)."""
    return tuple(t.casefold() for t in _LETTERS_RE.findall(author) if t.casefold() in _COMMERCIAL)


def author_phrase(author: str) -> tuple[str, ...]:
    """The commercial words of an author name shaped like a keyword phrase, else ``()``.

    A phrase: two words or more with a commercial noun, and either typed in
    lower case, four words or more, or two commercial nouns. "Sarah Price" (a
    capitalised two-word name, one such noun) is a person.
    """
    tokens = _LETTERS_RE.findall(author)
    if len(tokens) < 2 or tx.find_urls(author):
        return ()
    found = commercial_words(author)
    if not found:
        return ()
    lower = all(t.islower() for t in tokens)
    if lower or len(tokens) >= 4 or len(found) >= 2:
        return found
    return ()


def author_category(author: str) -> tuple[str, ...]:
    """The words of an author name made only of directory categories, else ``()``.

    "House & Home Improvement", "Technology", "Pets/animal" are categories, and
    so is a name made only of the commercial nouns above ("Cheap Hotels");
    "Sarah Price", "Club rando" and "jb" are not.
    """
    if tx.find_urls(author):
        return ()
    tokens = [t.casefold() for t in _LETTERS_RE.findall(author)]
    topics = [t for t in tokens if t in _CATEGORY or t in _COMMERCIAL]
    if not topics or any(t not in _CATEGORY_JOINERS for t in tokens if t not in topics):
        return ()
    return tuple(topics)


def content_words(text: str, normalized: str | None = None) -> frozenset[str]:
    """Stems (first 6 letters) of the 4+-letter words of a text, stop words left out."""
    norm = tx.normalize(text) if normalized is None else normalized
    return frozenset(w[:6] for w in tx.words(norm) if len(w) >= 4 and w not in _STOP)


@functools.lru_cache(maxsize=1024)
def _post_words(title: str, article: str) -> frozenset[str]:
    # Many comments share one post: its words are computed once.
    return content_words(title + " " + article[:20000])


def topic_overlap(
    content: str, title: str, article: str, normalized: str | None = None
) -> tuple[int, int] | None:
    """(shared content words with the post, content words of the comment), or None.

    ``None`` when the caller gave no title nor text for the post.
    """
    if not title.strip() and not article.strip():
        return None
    mine = content_words(content, normalized)
    return len(mine & _post_words(title, article)), len(mine)
