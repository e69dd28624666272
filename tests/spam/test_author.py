"""The learned author-name model and the blog data it is trained and measured on."""

from __future__ import annotations

from pathlib import Path

import pytest

from causerie.spam import datasets as ds
from causerie.spam.author import author_features, author_logit, fit_author_model
from causerie.spam.model import GlobalModel
from causerie.spam.train import author_rows

DATA = Path(__file__).parents[3] / "shared" / "data"
# Invented for this test: shop-category anchors against readers' names.
ANCHORS = ["Home Decor", "garden tools", "Car Rental", "Fitness", "Online Games", "travel deals",
           "Kitchen Design", "Photography Tips", "shoes outlet", "Pet Supplies"]  # fmt: skip
PEOPLE = ["Tom Keller", "marie", "Anna K.", "jb", "Kaito Sato", "Li Wei", "Olivier B",
          "Fatima Z.", "sam", "Greg Hall"]  # fmt: skip


def test_features_are_shape_and_hashed_ngrams() -> None:
    index, values = author_features("Car Rental")
    assert len(index) == len(values) and len(set(index)) > 3
    assert author_features("") == ([], [])


def test_author_model_learns_anchors_from_names() -> None:
    fitted = fit_author_model(ANCHORS + PEOPLE, [1] * len(ANCHORS) + [0] * len(PEOPLE))
    assert fitted is not None
    weights, bias = fitted
    assert (
        author_logit(weights, bias, "Online Games") > 0 > author_logit(weights, bias, "Tom Keller")
    )
    assert fit_author_model(PEOPLE, [0] * len(PEOPLE)) is None  # one class: nothing to learn


def test_author_rows_take_blog_spam_names_and_ham_names_only() -> None:
    rows = [
        ds.Example("x", 1, "wordpress", author="Home Decor"),
        ds.Example("y", 1, "youtube", author="Some Spammer"),  # not a blog anchor: left out
        ds.Example("z", 0, "youtube", author="Jane Doe"),
        ds.Example("w", 0, "blog_written", author="jane doe"),  # same name: once
        ds.Example("v", 0, "sms"),  # no author
    ]
    assert author_rows(rows) == (["Home Decor", "Jane Doe"], [1, 0])


def test_author_model_survives_save_and_load(tmp_path: Path) -> None:
    model = GlobalModel.blank()
    fitted = fit_author_model(ANCHORS + PEOPLE, [1] * len(ANCHORS) + [0] * len(PEOPLE))
    assert fitted is not None
    model.author_weights, model.author_bias = fitted
    model.save(tmp_path)
    loaded = GlobalModel.load(tmp_path)
    assert loaded.author_logit("Online Games") == pytest.approx(model.author_logit("Online Games"))
    assert GlobalModel.blank().author_logit("Online Games") == 0.0


def test_blog_comments_are_written_ham_with_provenance() -> None:
    rows = ds.blog_comments()
    assert len(rows) >= 100 and all(r.label == 0 and r.source == "blog_written" for r in rows)
    assert sum(bool(r.url) for r in rows) >= 40 and all(r.title for r in rows)
    header = (ds.PROJECT_DATA / "blog_comments.csv").read_text(encoding="utf-8").splitlines()[:6]
    assert all(line.startswith("#") for line in header) and "WRITTEN" in " ".join(header)
    assert {r.part for r in rows} == {ds.TRAIN, ds.VALIDATION, ds.TEST}


def test_wordpress_parts_follow_the_date() -> None:
    assert ds.wordpress_part("2016-11-30") == ds.TRAIN
    assert ds.wordpress_part(ds.WORDPRESS_VALIDATION_FROM) == ds.VALIDATION
    assert ds.wordpress_part(ds.WORDPRESS_TEST_FROM) == ds.TEST
    assert ds.wordpress_part("2017-02-28") == ds.TEST


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data not present")
def test_wordpress_rows_carry_blog_fields_and_latest_are_held_out() -> None:
    rows = ds.wordpress(DATA)
    assert len(rows) > 1900 and all(r.label == 1 for r in rows)
    assert sum(bool(r.url) for r in rows) > 0.9 * len(rows) and all(r.title for r in rows)
    sample = ds.sample_of(rows[0])
    assert (sample.author, sample.url, sample.article_title) == (
        rows[0].author,
        rows[0].url,
        rows[0].title,
    )
    test_part = [r for r in rows if r.part == ds.TEST]
    assert 300 < len(test_part) < 600
