"""The filter end to end on a tiny model: verdicts, reasons, learning, poisoning bounds."""

from __future__ import annotations

import threading

from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.site import LearningLimits
from causerie.spam.state import MemoryLearningLog
from causerie.spam.verdict import CommentSample, Verdict

CAMPAIGN = [
    "Le portefeuille Lumina triple votre épargne en dix jours, demandez Julien",
    "Avec Lumina mon épargne a triplé en dix jours, merci Julien",
    "Julien m'a fait découvrir Lumina : épargne triplée en deux semaines",
    "Lumina, le portefeuille qui a triplé mon épargne, parlez-en à Julien",
    "Grâce à Julien et au portefeuille Lumina, mon épargne a triplé",
]
NEW_VARIANT = "Mon épargne a triplé avec le portefeuille Lumina de Julien, incroyable"
HAM = [
    "Merci pour cet article très clair sur l'épargne des ménages.",
    "Le portefeuille du ministre est trop large à mon avis.",
    "Je ne suis pas d'accord avec la conclusion, mais bon article.",
    "Julien Lepers présentait mieux que le nouveau.",
]


def sample(text: str, **fields: object) -> CommentSample:
    return CommentSample(text, site="lemonde", **fields)  # type: ignore[arg-type]


def test_verdicts_and_reasons(spam_filter: Filter) -> None:
    spam = spam_filter.check(
        sample("Gagnez de l'argent, contactez-moi sur WhatsApp +33 6 11 22 33 44")
    )
    assert spam.is_spam and spam.score > 0.5
    assert {"messaging", "phone"} & {r.code for r in spam.reasons}
    assert all(r.weight > 0 for r in spam.reasons)
    ham = spam_filter.check(sample("Merci pour cet article !"))
    assert ham.verdict is Verdict.HAM and 0.0 <= ham.score < 0.5
    assert len(spam.reasons) <= 3


def test_honeypot_discards(spam_filter: Filter) -> None:
    verdict = spam_filter.check(sample("Merci pour cet article !", honeypot_filled=True))
    assert verdict.verdict is Verdict.DISCARD
    assert verdict.reasons[0].code == "honeypot"


def test_campaign_caught_after_five_decisions_without_new_false_positives(
    spam_filter: Filter,
) -> None:
    assert not spam_filter.check(sample(NEW_VARIANT)).is_spam
    for text in CAMPAIGN:
        spam_filter.learn(sample(text), True, source="moderator")
    verdict = spam_filter.check(sample(NEW_VARIANT))
    assert verdict.is_spam
    assert {"site_learned", "near_duplicate"} & {r.code for r in verdict.reasons}
    assert not any(spam_filter.check(sample(text)).is_spam for text in HAM)
    # Another site has learned nothing.
    assert not spam_filter.check(CommentSample(NEW_VARIANT, site="other")).is_spam


def test_learning_survives_a_restart(tiny_model: GlobalModel) -> None:
    log = MemoryLearningLog()
    first = Filter(tiny_model, log, refresh_interval=0.0)
    for text in CAMPAIGN:
        first.learn(sample(text), True, source="moderator")
    # A second process (or a restart) shares the log and replays it on first check.
    second = Filter(tiny_model, log, refresh_interval=0.0)
    assert second.check(sample(NEW_VARIANT)).is_spam
    assert second.site_decisions("lemonde") == len(CAMPAIGN)


def test_other_processes_pick_up_new_decisions_within_the_refresh_interval(
    tiny_model: GlobalModel,
) -> None:
    now = [0.0]
    log = MemoryLearningLog()
    reader = Filter(tiny_model, log, refresh_interval=1.0, clock=lambda: now[0])
    writer = Filter(tiny_model, log, refresh_interval=1.0)
    reader.check(sample(NEW_VARIANT))
    for text in CAMPAIGN:
        writer.learn(sample(text), True, source="moderator")
    assert reader.site_decisions("lemonde") == 0  # not yet: synced less than 1 s ago
    now[0] = 1.5
    assert reader.check(sample(NEW_VARIANT)).is_spam


def test_untrusted_sources_teach_nothing(spam_filter: Filter) -> None:
    for text in CAMPAIGN:
        spam_filter.learn(sample(text), True, source="reader")
    assert spam_filter.site_decisions("lemonde") == 0
    assert spam_filter.log.since(0) == []


def test_hundreds_of_ham_decisions_cannot_whitewash_blatant_spam(spam_filter: Filter) -> None:
    blatant = sample(
        "Prêt entre particuliers rapide, écrivez à pret.rapide@gmail.com WhatsApp +33 6 12 34 56 78"
    )
    before = spam_filter.check(blatant)
    assert before.is_spam
    for _ in range(300):
        spam_filter.learn(blatant, False, source="moderator")
    after = spam_filter.check(blatant)
    assert after.is_spam
    # The site may cancel the wording's push (and ham_floor more), whatever
    # the number of decisions; the e-mail, phone and WhatsApp stay.
    analysis = spam_filter.analyse(blatant)
    lowest = analysis.base_logit - max(analysis.text_logit, 0.0) - LearningLimits().ham_floor
    site_reasons = spam_filter._site_reasons(blatant.site, analysis)
    assert analysis.base_logit + sum(r.weight for r in site_reasons) >= lowest - 1e-4


def test_each_decision_moves_the_score_a_bounded_amount(spam_filter: Filter) -> None:
    text = sample(NEW_VARIANT)
    before = spam_filter.analyse(text).base_logit
    spam_filter.learn(text, True, source="moderator")
    # Unrounded logits: the verdict's score has 4 decimals, too few near 0 or 1.
    analysis = spam_filter.analyse(text)
    site_reasons = spam_filter._site_reasons(text.site, analysis)
    shift = sum(r.weight for r in site_reasons if r.code != "near_duplicate")
    assert analysis.base_logit == before  # the global model did not move
    assert 0 < shift <= LearningLimits().step_spam + 1e-3
    assert spam_filter.check(text).is_spam


def test_checks_from_many_threads_while_learning(spam_filter: Filter) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(30):
                spam_filter.check(sample(f"{CAMPAIGN[j % 5]} {i}"))
                if j % 10 == 0:
                    spam_filter.learn(sample(HAM[i % 4]), False, source="moderator")
        except BaseException as exc:  # collected so the main thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert spam_filter.site_decisions("lemonde") == 24


def _logit(p: float) -> float:
    import math

    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def test_very_long_and_empty_comments(spam_filter: Filter) -> None:
    # How fast a long paste is checked is measured in bench/spam_speed.py.
    huge = spam_filter.check(sample("bonjour à tous " * 20_000))
    assert 0.0 <= huge.score <= 1.0
    assert spam_filter.check(sample("")).verdict is Verdict.HAM
