"""Per-site website reputation learnt from moderator decisions."""

from __future__ import annotations

from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.reputation import DomainReputation
from causerie.spam.state import MemoryLearningLog
from causerie.spam.verdict import CommentSample


def sample(url: str, site: str = "blog", text: str = "Nice photos, thanks.") -> CommentSample:
    return CommentSample(text, author="Pete", url=url, site=site)


def codes(spam_filter: Filter, s: CommentSample) -> dict[str, float]:
    return {r.code: r.weight for r in spam_filter.check(s).reasons}


def test_approved_domain_becomes_ham_evidence_on_that_site_only(tiny_model: GlobalModel) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0, max_reasons=10)
    regular = sample("https://petesphotos.co.uk/about")
    before = spam_filter.check(regular).score
    spam_filter.learn(sample("http://petesphotos.co.uk"), False, source="moderator")
    assert "website_approved" not in codes(spam_filter, regular)  # one decision is not enough
    spam_filter.learn(sample("https://www.petesphotos.co.uk/"), False, source="moderator")
    assert codes(spam_filter, regular)["website_approved"] < 0
    assert spam_filter.check(regular).score < before
    other_site = sample("https://petesphotos.co.uk", site="other")
    assert "website_approved" not in codes(spam_filter, other_site)


def test_reported_domain_is_spam_evidence_and_readers_teach_nothing(
    tiny_model: GlobalModel,
) -> None:
    spam_filter = Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0, max_reasons=10)
    comeback = sample("http://cheap-deals-shop.example/page2", text="Great blog, saved it.")
    spam_filter.learn(sample("http://cheap-deals-shop.example"), True, source="reader")
    assert "website_reported" not in codes(spam_filter, comeback)
    spam_filter.learn(sample("http://cheap-deals-shop.example"), True, source="moderator")
    assert codes(spam_filter, comeback)["website_reported"] > 0
    # A domain with decisions both ways is no evidence either way.
    for is_spam in (False, False):
        spam_filter.learn(sample("http://cheap-deals-shop.example"), is_spam, source="moderator")
    assert not {"website_reported", "website_approved"} & set(codes(spam_filter, comeback))


def test_reference_sites_and_bounds() -> None:
    reputation = DomainReputation(max_domains=3)
    for _ in range(3):
        reputation.learn(sample("https://github.com/someone"), True)
    assert reputation.counts == {}  # reference sites are shared by everyone: no lesson
    for name in ("a", "b", "c", "d"):
        reputation.learn(sample(f"https://{name}.example"), True)
    assert len(reputation.counts) == 3
    assert reputation.reasons(sample("https://a.example")) == []  # oldest dropped
    assert reputation.reasons(sample("https://d.example"))[0].code == "website_reported"
    # Only hashes are kept, never the address itself.
    assert all(isinstance(k, int) for k in reputation.counts)
