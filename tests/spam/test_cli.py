"""``causerie spam check`` and ``causerie spam eval`` follow their contracts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from causerie.cli import main
from causerie.spam import CommentSample
from causerie.spam.filter import Filter

FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT_KEYS = {"n", "spam", "ham", "precision", "recall", "f1", "fpr", "accuracy", "ms_per_item"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["spam", *args])
    return result.exit_code, result.output


def test_check_prints_verdict_and_localised_reasons(tiny_model_dir: Path) -> None:
    text = "Gagnez de l'argent, contactez-moi sur WhatsApp +33 6 11 22 33 44"
    code, out = run("check", text, "--lang", "fr", "--model", str(tiny_model_dir))
    assert code == 0
    assert out.split()[0] in {"spam", "discard"}
    assert "messagerie" in out or "téléphone" in out


def test_check_json(tiny_model_dir: Path) -> None:
    code, out = run("check", "Merci pour cet article !", "--json", "--model", str(tiny_model_dir))
    assert code == 0
    payload = json.loads(out)
    assert payload["verdict"] == "ham" and 0 <= payload["score"] <= 1
    assert isinstance(payload["reasons"], list)


def test_check_with_the_shipped_model() -> None:
    code, out = run("check", "Check out my channel http://bit.ly/x", "--author", "www.promo.xyz")
    assert code == 0 and out.split()[0] in {"spam", "discard"}


def test_eval_ends_with_one_json_line(tiny_model_dir: Path) -> None:
    code, out = run("eval", str(FIXTURES / "eval_small.csv"), "--model", str(tiny_model_dir))
    assert code == 0, out
    lines = out.strip().splitlines()
    metrics = json.loads(lines[-1])
    assert set(metrics) == CONTRACT_KEYS
    assert metrics["n"] == 8 and metrics["spam"] == 4 and metrics["ham"] == 4
    assert all(not line.startswith("{") for line in lines[:-1])


def test_eval_does_not_learn(tiny_model_dir: Path, tmp_path: Path) -> None:
    # One text labelled spam, six times, that the model calls ham. An eval that
    # learned from its rows (or remembered its verdicts) would score the later
    # copies higher than the first; a fresh filter scores every copy alike.
    text = "Merci pour cet article, je partage avec mes amis"
    path = tmp_path / "repeat.csv"
    path.write_text("content,label\n" + f'"{text}",spam\n' * 6, encoding="utf-8")
    fresh = Filter.load(tiny_model_dir, remember_spam=False)
    expected = fresh.check(CommentSample(text)).score
    assert expected < fresh.spam_threshold  # the set-up: the model misses it
    code, out = run("eval", str(path), "--model", str(tiny_model_dir))
    assert code == 0, out
    scored = re.findall(r"line (\d+): spam scored ([0-9.]+)", out)
    assert [int(line) for line, _ in scored] == [2, 3, 4, 5, 6, 7]
    assert {float(score) for _, score in scored} == {round(expected, 3)}
    assert json.loads(out.strip().splitlines()[-1])["recall"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,label\nhello,ham\n", "missing column(s) content"),
        ("content,label\nhello,maybe\n", "label must be spam or ham"),
        ("content,label\n", "no data rows"),
        (b"content,label\n\xff\xfe,ham\n", "not UTF-8"),
    ],
)
def test_eval_rejects_bad_csv_in_one_line(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, out = run("eval", str(path))
    assert code != 0
    assert message in out
    assert "Traceback" not in out
    assert len(out.strip().splitlines()) == 1


def test_eval_missing_file() -> None:
    code, out = run("eval", "/nonexistent/file.csv")
    assert code != 0 and "no such file" in out and "Traceback" not in out


@pytest.mark.parametrize("command", ["train", "generalization"])
def test_a_missing_data_folder_says_where_the_data_comes_from(command: str, tmp_path: Path) -> None:
    code, out = run(command, "--data", str(tmp_path / "nowhere"))
    assert code == 1
    assert f"{tmp_path / 'nowhere'}: no such data folder" in out
    assert "docs/data.md" in out and f"make data DATA={tmp_path / 'nowhere'}" in out


def test_training_writes_to_a_new_folder_unless_told_otherwise() -> None:
    from causerie.spam.cli import DEFAULT_OUT, MODEL_DIR

    assert not DEFAULT_OUT.is_absolute() and DEFAULT_OUT.resolve() != MODEL_DIR.resolve()
    code, out = run("train", "--help")
    assert code == 0 and "[default: spam-model]" in " ".join(out.split())
