"""``causerie toxicity …``: check, evaluate, train and measure the toxicity model.

The commands mirror ``causerie spam``'s; their verdict and ``eval`` output come
from ``causerie.spam.report``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from causerie.toxicity.classifier import ToxicityModel
    from causerie.toxicity.stream import StreamResult

DEFAULT_DATA = Path("../shared/data")
# A new folder by default: a retrained model never overwrites the shipped one unasked.
DEFAULT_OUT = Path("toxicity-model")
_MODEL_OPTION = click.option(
    "--model", "model_dir", type=click.Path(path_type=Path), help="Model directory."
)
_DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder of the public data sets (toxicity-*).",
)


def _load(model_dir: Path | None) -> ToxicityModel:
    # Imported here so that ``causerie --help`` does not pay for numpy.
    from causerie.toxicity.classifier import ToxicityModel
    from causerie.toxicity.model import MODEL_DIR, ToxicityModelError

    try:
        return ToxicityModel.load(model_dir or MODEL_DIR)
    except ToxicityModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _require_data(data_dir: Path) -> None:
    if not (data_dir / "toxicity-omcd").is_dir():
        raise click.ClickException(
            f"{data_dir}: no toxicity data sets there (toxicity-omcd, …). Their public origins "
            "are listed in docs/toxicity.md."
        )


@click.group(name="toxicity")
def toxicity() -> None:
    """Check, evaluate and train the toxicity model (insults, vulgarity, hate, attacks)."""


@toxicity.command()
@click.argument("text")
@click.option("--lang", default="en", help="Language of the reasons (en, fr, ar).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@_MODEL_OPTION
def check(text: str, lang: str, as_json: bool, model_dir: Path | None) -> None:
    """Print the score, the decision and the reasons for one comment TEXT."""
    from causerie.spam.report import verdict_json
    from causerie.toxicity.messages import reason_text

    model = _load(model_dir)
    verdict = model.check(text, lang)
    decision = (
        "reject"
        if verdict.score >= model.reject_threshold
        else "hold"
        if verdict.offensive
        else "publish"
    )
    reasons = [reason_text(r, lang) for r in verdict.reasons]
    if as_json:
        score, offensive = round(verdict.score, 4), verdict.offensive
        click.echo(
            verdict_json(
                verdict.reasons, reasons, score=score, offensive=offensive, decision=decision
            )
        )
        return
    label = "offensive" if verdict.offensive else "clean"
    click.echo(f"{label} (score {verdict.score:.3f}, {decision})")
    for line in reasons:
        click.echo(f"  - {line}")


@toxicity.command(name="eval")
@click.argument("csv_file", type=click.Path(path_type=Path))
@_MODEL_OPTION
@click.option("--threshold", type=float, help="Offensive from this score (default: the model's).")
def eval_command(csv_file: Path, model_dir: Path | None, threshold: float | None) -> None:
    """Score a labelled CSV (content,label with offensive/clean) without learning."""
    from causerie.spam.report import eval_lines
    from causerie.toxicity.csv_eval import EvalInputError, evaluate_csv

    model = _load(model_dir)
    try:
        counts, errors = evaluate_csv(csv_file, model, threshold)
    except EvalInputError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in eval_lines(csv_file, counts, "offensive", "clean", errors):
        click.echo(line)


@toxicity.command()
@_DATA_OPTION
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Where to write toxicity.npz and toxicity.json (copy them to the package to ship them).",
)
def train(data_dir: Path, out: Path) -> None:
    """Train the toxicity model from the public data sets (reproducible)."""
    from causerie.toxicity.train import train_model

    _require_data(data_dir)
    train_model(data_dir, out, log=click.echo)


@toxicity.command(name="generalization")
@_DATA_OPTION
@click.option("--only", multiple=True, help="Evaluate only this unit (repeatable).")
@click.option("--jobs", type=int, default=1, show_default=True, help="Units trained at once.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write every figure.")
@click.option(
    "--scores",
    "scores_out",
    type=click.Path(path_type=Path),
    help="Write each held-out unit's labels and scores (.npz) for `toxicity stream`.",
)
@click.option(
    "--stream",
    "with_stream",
    is_flag=True,
    help="Also replay a moderated stream on each unit: global threshold against the site's own.",
)
def generalization_command(
    data_dir: Path,
    only: tuple[str, ...],
    jobs: int,
    json_out: Path | None,
    scores_out: Path | None,
    with_stream: bool,
) -> None:
    """Leave-one-source-out: our model and a TF-IDF baseline on each unseen source."""
    from causerie.toxicity.datasets import UNITS
    from causerie.toxicity.generalization import (
        CROSSFIT,
        VALIDATION,
        family_table,
        markdown_table,
        run,
        save_scores,
    )

    _require_data(data_dir)
    unknown = [u for u in only if u not in UNITS]
    if unknown:
        raise click.ClickException(
            f"unknown unit(s) {', '.join(unknown)}; one of {', '.join(UNITS)}"
        )
    results = run(data_dir, only=only, jobs=jobs, log=click.echo)
    for rule, title in (
        (CROSSFIT, "thresholds chosen on out-of-source scores (the shipped rule)"),
        (VALIDATION, "thresholds chosen on the training sources' validation parts (before)"),
    ):
        click.echo(f"\n{title}:")
        for line in [*markdown_table(results, rule), "", *family_table(results, rule)]:
            click.echo(line)
    if scores_out:
        save_scores(results, scores_out)
    if with_stream:
        from causerie.toxicity.stream import from_units

        _print_stream(from_units(results))
    if json_out:
        payload = [{k: v for k, v in r.__dict__.items() if k != "arrays"} for r in results]
        json_out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


@toxicity.command(name="stream")
@click.argument("scores_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--only", multiple=True, help="Replay only this unit (repeatable).")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write every figure.")
def stream_command(scores_file: Path, only: tuple[str, ...], json_out: Path | None) -> None:
    """Replay a moderated stream on saved held-out scores (``generalization --scores``)."""
    from causerie.toxicity.stream import from_file

    results = from_file(scores_file, only)
    if not results:
        raise click.ClickException(f"{scores_file}: no such unit saved")
    _print_stream(results)
    if json_out:
        payload = [r.__dict__ for r in results]
        json_out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def _print_stream(results: list[StreamResult]) -> None:
    from causerie.toxicity.stream import markdown_table, sensitivity_table

    click.echo("\nmoderated stream, second half (means over the shuffled orders):")
    for line in [*markdown_table(results), "", *sensitivity_table(results)]:
        click.echo(line)
