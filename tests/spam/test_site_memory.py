"""Near-duplicate memory and campaign words of one site."""

from __future__ import annotations

from causerie.spam.features import hash_text
from causerie.spam.filter import Filter
from causerie.spam.memory import Signature, SpamMemory, minhash
from causerie.spam.model import GlobalModel
from causerie.spam.state import MemoryLearningLog
from causerie.spam.text import normalize
from causerie.spam.verdict import CommentSample, Verdict

SPAM = (
    "Offre spéciale du jour : le coffret Zorbano livré chez vous, écrivez à Gaston pour commander"
)
EDITED = (
    "Offre spéciale du jour : le coffret Zorbano livré chez toi, écris à Gaston pour commander !"
)


def signature(text: str) -> Signature | None:
    return minhash(hash_text(normalize(text)).shingles)


def test_minhash_similarity_tracks_edits() -> None:
    memory = SpamMemory(capacity=4)
    memory.add(signature(SPAM))
    near, count = memory.best_match(signature(EDITED))
    far, _ = memory.best_match(
        signature("Le conseil municipal se réunit jeudi pour voter le budget.")
    )
    assert near >= 0.5 and count == 1
    assert far < 0.2
    assert memory.forget_similar(signature(EDITED), threshold=0.5) == 1
    assert memory.best_match(signature(SPAM))[0] < 0.5


def test_memory_is_a_bounded_ring() -> None:
    memory = SpamMemory(capacity=2)
    for text in (SPAM, EDITED, "un troisième message assez long pour une signature"):
        memory.add(signature(text))
    assert len(memory) == 2


def test_moderator_spam_flags_edited_copies(spam_filter: Filter) -> None:
    spam_filter.learn(CommentSample(SPAM, site="s"), True, source="moderator")
    verdict = spam_filter.check(CommentSample(EDITED, site="s"))
    assert "near_duplicate" in {r.code for r in verdict.reasons}
    assert verdict.is_spam


def test_blatant_spam_verdicts_feed_the_memory(tiny_model: GlobalModel) -> None:
    blatant = "Gagnez de l'argent facile, contactez-moi sur WhatsApp +33 6 12 34 56 78 vite vite"
    edited_text = blatant.replace("vite vite", "merci")
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
    score = spam_filter.check(CommentSample(blatant, site="s")).score
    # A spam verdict below the discard threshold is not remembered: the
    # filter's own false positives must not push their look-alikes over.
    assert spam_filter.spam_threshold <= score < spam_filter.discard_threshold
    edited = spam_filter.check(CommentSample(edited_text, site="s"))
    assert "near_duplicate" not in {r.code for r in edited.reasons}
    sure = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0, discard_threshold=score)
    assert sure.check(CommentSample(blatant, site="s")).verdict is Verdict.DISCARD
    edited = sure.check(CommentSample(edited_text, site="s"))
    assert "near_duplicate" in {r.code for r in edited.reasons}


def test_ham_decision_clears_the_memory(spam_filter: Filter) -> None:
    spam_filter.learn(CommentSample(SPAM, site="s"), True, source="moderator")
    spam_filter.learn(CommentSample(EDITED, site="s"), False, source="moderator")
    verdict = spam_filter.check(CommentSample(EDITED, site="s"))
    assert "near_duplicate" not in {r.code for r in verdict.reasons}


def test_campaign_words_need_three_spams_and_two_words(spam_filter: Filter) -> None:
    site = "s"
    lessons = [
        "Zorbano et Gaston vous livrent partout",
        "Commandez chez Zorbano, demandez Gaston",
        "Gaston livre Zorbano dans toute la ville",
    ]
    probe = CommentSample("Mon ami Gaston adore Zorbano", site=site)
    for text in lessons[:2]:
        spam_filter.learn(CommentSample(text, site=site), True, source="admin")
    # Two lessons are not enough: two loan spams made "crédit, taux" campaign
    # words on a French site, and its readers' comments about rates spam.
    assert "campaign_words" not in {r.code for r in spam_filter.check(probe).reasons}
    spam_filter.learn(CommentSample(lessons[2], site=site), True, source="admin")
    assert "campaign_words" in {r.code for r in spam_filter.check(probe).reasons}
    one_word = spam_filter.check(CommentSample("Gaston Lagaffe est un classique", site=site))
    assert "campaign_words" not in {r.code for r in one_word.reasons}


def test_a_flood_of_one_text_takes_one_slot() -> None:
    memory = SpamMemory(capacity=8)
    for _ in range(50):
        memory.add(signature(SPAM))
    assert len(memory) == 1
