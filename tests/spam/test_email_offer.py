"""An e-mail beside a money or loan offer is spam; an e-mail alone is an ordinary comment."""

from __future__ import annotations

import pytest

from causerie.spam.context import EMAIL_OFFER_WEIGHT, context_reasons
from causerie.spam.filter import Filter
from causerie.spam.verdict import CommentSample, Verdict

LOAN = "Contact me at john.smith1990@gmail.com for a quick loan at 2% interest"
ORDINARY = [
    "Write to me at john.smith1990@gmail.com about the project, I'd be glad to help.",
    "Great article, thanks. If you want the dataset, email me at marie.dupont@laposte.net",
]


def _codes(text: str) -> list[str]:
    return [r.code for r in context_reasons(CommentSample(text))]


@pytest.mark.parametrize(
    "text",
    [
        LOAN,
        "Need cash fast? Email me at fastcash@gmail.com, we offer loans to everyone",
        "Offre de prêt entre particuliers, écrivez à credit.rapide@yahoo.fr",
        "قرض سريع بدون كفيل راسلني على loan.help@gmail.com",
    ],
)
def test_an_email_beside_a_money_offer_is_evidence(text: str) -> None:
    reasons = context_reasons(CommentSample(text))
    assert [r.weight for r in reasons if r.code == "email_offer"] == [EMAIL_OFFER_WEIGHT]


@pytest.mark.parametrize(
    "text", [*ORDINARY, "Student loans at 6% interest are a scandal, the article is right."]
)
def test_an_email_alone_or_a_loan_alone_is_not(text: str) -> None:
    assert "email_offer" not in _codes(text)


@pytest.fixture(scope="module")
def shipped() -> Filter:
    return Filter.load(remember_spam=False)


def test_the_loan_offer_with_an_email_is_spam(shipped: Filter) -> None:
    verdict = shipped.check(CommentSample(LOAN))
    assert verdict.verdict is not Verdict.HAM
    assert "email_offer" in [r.code for r in verdict.reasons]


@pytest.mark.parametrize("text", ORDINARY)
def test_an_email_in_an_ordinary_comment_stays_ham(shipped: Filter, text: str) -> None:
    assert shipped.check(CommentSample(text)).verdict is Verdict.HAM
