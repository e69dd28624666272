"""``causerie toxicity check|eval|train|generalization`` follow their contracts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from causerie.cli import main
from causerie.toxicity import ToxicityModel

FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT_KEYS = {
    "n", "offensive", "clean", "precision", "recall", "f1", "fpr", "accuracy", "ms_per_item",
}  # fmt: skip


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["toxicity", *args])
    return result.exit_code, result.output


def test_check_prints_the_decision_and_french_reasons() -> None:
    code, out = run("check", "t'es qu'un sale con", "--lang", "fr")
    assert code == 0
    assert out.startswith("offensive")
    assert "insulte (con)" in out


def test_check_json_in_arabic() -> None:
    code, out = run("check", "يا حمار", "--lang", "ar", "--json")
    assert code == 0
    payload = json.loads(out)
    assert 0 <= payload["score"] <= 1
    assert payload["decision"] in {"publish", "hold", "reject"}
    assert payload["reasons"][0]["text"].startswith(("إهانة", "هجوم على شخص"))


def test_check_a_clean_comment() -> None:
    code, out = run("check", "Merci pour ce reportage", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["offensive"] is False and payload["decision"] == "publish"


def test_eval_ends_with_one_json_line_that_matches_the_rows() -> None:
    code, out = run("eval", str(FIXTURES / "eval_small.csv"))
    assert code == 0, out
    metrics = json.loads(out.strip().splitlines()[-1])
    assert set(metrics) == CONTRACT_KEYS
    assert (metrics["n"], metrics["offensive"], metrics["clean"]) == (10, 5, 5)
    # The figures are the shipped model's calls on these rows, recounted here.
    model = ToxicityModel.load()
    rows = [line.rsplit(",", 2) for line in (FIXTURES / "eval_small.csv").read_text().splitlines()]
    calls = [(model.check(r[0].strip('"')).offensive, r[1] == "offensive") for r in rows[1:]]
    tp = sum(c and t for c, t in calls)
    fp = sum(c and not t for c, t in calls)
    assert metrics["recall"] == round(tp / 5, 4)
    assert metrics["fpr"] == round(fp / 5, 4)


def test_eval_rejects_a_bad_label_with_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("content,label\nhello,clean\nbye,toxic\n", encoding="utf-8")
    code, out = run("eval", str(bad))
    assert code != 0
    assert "bad.csv:3" in out and "offensive or clean" in out


def test_eval_names_a_missing_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nhello,clean\n", encoding="utf-8")
    code, out = run("eval", str(bad))
    assert code != 0 and "missing column(s) content" in out


def test_train_and_generalization_need_the_data(tmp_path: Path) -> None:
    for command in ("train", "generalization"):
        code, out = run(command, "--data", str(tmp_path / "nowhere"))
        assert code != 0 and "no toxicity data sets" in out


def test_train_writes_a_model_that_loads_and_learnt(tiny_data: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "model"
    code, out = run("train", "--data", str(tiny_data), "--out", str(out_dir))
    assert code == 0, out
    model = ToxicityModel.load(out_dir)
    assert model.check("espèce de connard").score > model.check("merci pour l'article").score


def test_generalization_prints_ours_and_the_baseline(tiny_data: Path, tmp_path: Path) -> None:
    report, saved = tmp_path / "loso.json", tmp_path / "scores.npz"
    code, out = run(
        "generalization",
        *("--data", str(tiny_data), "--only", "mlma_fr", "--json", str(report)),
        *("--scores", str(saved), "--stream"),
    )
    assert code == 0, out
    assert "| mlma_fr | french |" in out
    assert "| french | mlma_fr |" in out
    (result,) = json.loads(report.read_text())
    assert result["unit"] == "mlma_fr" and result["ours"]["n"] == 8
    assert set(result["baseline"]) == set(result["ours"])
    assert "arrays" not in result
    with np.load(saved) as scores:
        assert scores["mlma_fr/ours"].shape == scores["mlma_fr/labels"].shape == (8,)
        assert scores["mlma_fr/thresholds"][0] == result["thresholds"]["ours_crossfit"]
    # The stream replay, inline and from the saved scores: the same table.
    table = out[out.index("moderated stream") :]
    assert "| mlma_fr | 4 |" in table
    code, replayed = run("stream", str(saved), "--json", str(tmp_path / "stream.json"))
    assert code == 0, replayed
    assert replayed.strip() == table.strip()
    (streamed,) = json.loads((tmp_path / "stream.json").read_text())
    assert set(streamed["sides"]) == {"ours", "baseline"}
    assert set(streamed["sides"]["ours"]) == {"static", "site", "online"}
    code, out = run("stream", str(saved), "--only", "omcd")
    assert code != 0 and "no such unit" in out


def test_generalization_rejects_an_unknown_unit(tiny_data: Path) -> None:
    code, out = run("generalization", "--data", str(tiny_data), "--only", "nope")
    assert code != 0 and "unknown unit" in out


def test_train_reports_the_held_out_test_part(tiny_data: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "model"
    code, out = run("train", "--data", str(tiny_data), "--out", str(out_dir))
    assert code == 0, out
    assert "held-out test part" in out
    meta = json.loads((out_dir / "toxicity.json").read_text())
    tested = sum(int(m["n"]) for m in meta["test_part"].values())
    assert tested == int(meta["trained"]["test_rows"])
    assert meta["trained"]["rows"] + meta["trained"]["validation_rows"] + tested == 72
