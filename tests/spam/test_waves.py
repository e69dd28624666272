"""Campaign waves: the third copy of a new template from two authors is held."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from causerie.spam import waves
from causerie.spam.filter import Filter
from causerie.spam.messages import reason_text
from causerie.spam.model import GlobalModel
from causerie.spam.state import MemoryLearningLog
from causerie.spam.text import normalize
from causerie.spam.verdict import CommentSample, Verdict
from causerie.spam.waves import (
    Cluster,
    WaveDetector,
    WaveSettings,
    author_hash,
    masked_tokens,
    variant_hash,
)

TEMPLATE = (
    "Je remercie infiniment maître Kwabena qui a ramené mon mari en trois jours, "
    "contactez-le vite sur WhatsApp au {phone} ou par mail {mail} {emoji}"
)
COPIES = [
    TEMPLATE.format(phone="+229 61 22 33 44", mail="kwa1@zmail.com", emoji="🙏"),
    TEMPLATE.format(phone="00229 97 55 10 20", mail="maitre.k@zmail.com", emoji="🙏🙏"),
    TEMPLATE.format(phone="+229 66 01 02 03", mail="retour@zmail.com", emoji="❤️"),
    TEMPLATE.format(phone="+229 90 90 90 90", mail="k@zmail.com", emoji=""),
]
# Blog spam that says nothing the model knows: only its repetition gives it away.
# A testimonial template the shipped model alone lets through (scores ≈ 0.6-0.66).
PRAISE = (
    "Honestly this changed the way I see things {n}, I discovered it recently "
    "and I recommend it to everyone here {emoji}"
)
PRAISE_COPIES = [
    PRAISE.format(n=n, emoji=e) for n, e in (("", ""), ("today", "🙂"), ("!!", "👍"), ("2", "✨"))
]
# No model is asked here: the detector alone, as if every copy were doubtful.
DOUBT = 0.5


def observe(
    detector: WaveDetector, text: str, author: str, now: float = 0.0, score: float = DOUBT
) -> bool:
    normalized = normalize(text)
    signature = detector.signature(normalized)
    who = author_hash(author, "", "")
    return detector.observe(signature, who, now, variant_hash(normalized), score).held


def test_masking_hides_the_variable_parts() -> None:
    first, second = (masked_tokens(normalize(t)) for t in COPIES[:2])
    assert first == second
    assert "qqmailqq" in first and "0" in first
    assert not any(ch.isdigit() for t in first if t != "0" for ch in t)


def test_the_third_copy_from_two_authors_is_held_not_before() -> None:
    detector = WaveDetector()
    held = [observe(detector, text, author) for text, author in zip(COPIES, "abca", strict=True)]
    assert held == [False, False, True, True]


def test_one_author_repeating_himself_is_not_a_wave() -> None:
    detector = WaveDetector()
    assert not any(observe(detector, text, "same person") for text in COPIES)


def test_the_very_same_text_again_and_again_is_not_a_wave() -> None:
    detector = WaveDetector()
    # Many readers pasting one identical prayer or slogan: no variation, no wave.
    assert not any(observe(detector, COPIES[0], f"reader {i}") for i in range(6))


def test_short_and_low_content_repeats_are_never_clustered() -> None:
    detector = WaveDetector()
    repeats = [
        "Merci !",
        "Merci beaucoup !!",
        "+1",
        "Bravo 👏",
        "Signez la pétition : https://petitions.example.org/sauvons-le-parc",
        "Signez la pétition ici https://petitions.example.org/sauvons-le-parc-2 🙏",
        "شكرا جزيلا",
        "Totally agree with this 100%",
    ]
    for i in range(5):
        for text in repeats:
            assert not observe(detector, f"{text} {'!' * i}", f"reader {i}")
    assert len(detector) == 0


def test_a_confident_ham_score_is_not_overruled_by_repetition() -> None:
    detector = WaveDetector()
    held = [observe(detector, t, a, score=0.01) for t, a in zip(COPIES, "abcd", strict=True)]
    assert held == [False, False, False, False]


def test_copies_spread_beyond_the_window_are_no_wave() -> None:
    settings = WaveSettings(window_seconds=3600.0)
    detector = WaveDetector(settings)
    held = [
        observe(detector, text, author, now=i * 4000.0)
        for i, (text, author) in enumerate(zip(COPIES, "abcd", strict=True))
    ]
    assert held == [False, False, False, False]


def test_templates_unseen_for_a_window_are_forgotten() -> None:
    detector = WaveDetector(WaveSettings(window_seconds=3600.0))
    observe(detector, COPIES[0], "a", now=0.0)
    observe(detector, PRAISE_COPIES[0], "b", now=100.0)
    assert len(detector) == 2
    observe(
        detector, "Une toute autre remarque sur le budget municipal voté hier soir", "c", 5000.0
    )
    assert len(detector) == 1  # both older templates dropped, with their author hashes


def test_a_moderators_spam_mark_catches_every_later_copy() -> None:
    detector = WaveDetector()
    observe(detector, COPIES[0], "a")
    detector.mark(detector.signature(normalize(COPIES[0])), True, 0.0)
    # The second copy, from the same author, is held: the moderator has spoken.
    assert observe(detector, COPIES[1], "a")


def test_a_moderators_ham_mark_releases_the_template() -> None:
    detector = WaveDetector()
    for text, author in zip(COPIES[:3], "abc", strict=True):
        observe(detector, text, author)
    detector.mark(detector.signature(normalize(COPIES[2])), False, 0.0)
    assert not observe(detector, COPIES[3], "d")


def test_memory_is_bounded_and_keeps_no_text() -> None:
    detector = WaveDetector(WaveSettings(capacity=3))
    texts = [
        "Le conseil municipal a voté hier le budget malgré la longue opposition des riverains",
        "Quelle belle victoire de notre équipe ce dimanche, les supporters étaient ravis",
        "The new tram line opens next spring according to the transport authority today",
        "I disagree with the author about pensions, the numbers quoted are from last year",
        "Les travaux de la piscine municipale prendront encore deux années selon la mairie",
        "My grandmother grew up in this village and remembers the flood of nineteen fifty",
    ]
    for text in texts:
        observe(detector, text, "a")
    assert len(detector) == 3
    kinds = {f.name: f.type for f in dataclasses.fields(Cluster)}
    assert "str" not in " ".join(str(t) for t in kinds.values())
    for cluster in detector._clusters.values():
        assert cluster.signature.dtype == np.uint32


def _filter(model: GlobalModel, log: MemoryLearningLog, now: list[float]) -> Filter:
    # min_score 0: the tiny test model's scores are not what is tested here.
    waves = WaveDetector(WaveSettings(min_score=0.0))
    return Filter(model, log, refresh_interval=0.0, waves=waves, wave_clock=lambda: now[0])


def test_the_filter_holds_the_wave_with_a_reason_in_three_languages(
    tiny_model: GlobalModel,
) -> None:
    now = [1000.0]
    spam_filter = _filter(tiny_model, MemoryLearningLog(), now)
    verdicts = [
        spam_filter.check(CommentSample(text, author=author, site=site))
        for text, author, site in zip(
            PRAISE_COPIES[:3], "abc", ("journal", "blog", "journal"), strict=True
        )
    ]
    assert [v.verdict for v in verdicts[:2]] == [Verdict.HAM, Verdict.HAM]
    third = verdicts[2]
    assert third.verdict is Verdict.SPAM and third.reasons[0].code == "wave"
    assert third.score >= spam_filter.spam_threshold
    assert "3" in reason_text(third.reasons[0], "fr") and "vague" in reason_text(
        third.reasons[0], "fr"
    )
    assert "موجة" in reason_text(third.reasons[0], "ar")
    assert "wave" in reason_text(third.reasons[0], "en")


def test_one_decision_marks_the_wave_in_every_process(tiny_model: GlobalModel) -> None:
    """Two server processes share the learning log: a mark reaches both."""
    log = MemoryLearningLog()
    now = [1000.0]
    first, second = _filter(tiny_model, log, now), _filter(tiny_model, log, now)
    first.check(CommentSample(PRAISE_COPIES[0], author="a", site="journal"))
    second.check(CommentSample(PRAISE_COPIES[1], author="a", site="blog"))
    sample = CommentSample(PRAISE_COPIES[0], author="a", site="journal")
    first.learn(sample, True, source="moderator")
    later = second.check(CommentSample(PRAISE_COPIES[3], author="z", site="blog"))
    assert later.verdict is not Verdict.HAM
    assert "wave_marked" in {r.code for r in later.reasons}


def test_a_sites_sensitivity_is_honoured(tiny_model: GlobalModel) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog())
    sample = CommentSample("Gagnez de l'argent facile, écrivez-moi vite pour le bonus")
    score = spam_filter.check(sample).score
    assert 0.06 < score < spam_filter.discard_threshold
    below, above = repr(round(score - 0.01, 4)), repr(round(min(score + 0.01, 0.99), 4))
    strict = spam_filter.check(dataclasses.replace(sample, spam_sensitivity=below))
    relaxed = spam_filter.check(dataclasses.replace(sample, spam_sensitivity=above))
    assert strict.verdict is Verdict.SPAM and relaxed.verdict is Verdict.HAM


def test_a_verdict_masks_its_text_once_for_the_memory_and_the_waves(
    tiny_model: GlobalModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The near-duplicate memory and the wave detector read one MinHash of the masked text."""
    settings = WaveSettings(min_score=0.0)
    spam_filter = Filter(tiny_model, waves=WaveDetector(settings), wave_clock=lambda: 1000.0)
    # A site memory holding one signature: the memory search runs on the next comment.
    spam_filter._site("journal").memory.add(
        waves.template_signature(normalize(PRAISE_COPIES[0]), 1)
    )
    calls: list[str] = []
    real = waves.masked_tokens

    def counting(normalized: str) -> list[str]:
        calls.append(normalized)
        return real(normalized)

    monkeypatch.setattr(waves, "masked_tokens", counting)
    verdict = spam_filter.check(CommentSample(PRAISE_COPIES[1], author="b", site="journal"))
    assert "near_duplicate" in {r.code for r in verdict.reasons}
    assert len(calls) == 1
    masked = waves.MaskedText(normalize(PRAISE_COPIES[1]))
    assert masked.template(1) is masked.signature
    assert masked.template(1000) is None
    expected = waves.template_signature(normalize(PRAISE_COPIES[1]), 1)
    assert expected is not None and masked.signature is not None
    assert np.array_equal(masked.signature, expected)
