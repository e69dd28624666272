"""Shared fixtures: a tiny model trained on the project's own small fixtures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from causerie.spam import datasets as ds
from causerie.spam.filter import Filter
from causerie.spam.model import GlobalModel
from causerie.spam.state import MemoryLearningLog
from causerie.spam.train import TrainingSettings, featurize, fit

FIXTURES = Path(__file__).parent / "fixtures"


def tiny_rows() -> list[ds.Example]:
    """The labelled fixture comments."""
    with (FIXTURES / "tiny_train.csv").open(encoding="utf-8", newline="") as f:
        return [
            ds.Example(r["content"], int(r["label"] == "spam"), "tiny") for r in csv.DictReader(f)
        ]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model fitted on the fixtures in a second, saved like the shipped one."""
    rows = tiny_rows()
    model = fit(featurize([r.text for r in rows]), rows, TrainingSettings(c=10.0))
    model.spam_threshold, model.discard_threshold = 0.5, 0.995
    out = tmp_path_factory.mktemp("model")
    model.save(out)
    return out


@pytest.fixture()
def tiny_model(tiny_model_dir: Path) -> GlobalModel:
    """The tiny model, loaded fresh."""
    return GlobalModel.load(tiny_model_dir)


@pytest.fixture()
def spam_filter(tiny_model: GlobalModel) -> Filter:
    """A filter on the tiny model with an in-memory log that syncs on every check."""
    return Filter(tiny_model, MemoryLearningLog(), refresh_interval=0.0)
