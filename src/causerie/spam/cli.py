"""``causerie spam …``: check, train and evaluate the filter from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from causerie.spam.filter import Filter

DEFAULT_DATA = Path("../shared/data")
# A new folder by default: a retrained model never overwrites the shipped one unasked.
DEFAULT_OUT = Path("spam-model")
# Same place as ``causerie.spam.model.MODEL_DIR``, without importing numpy here.
MODEL_DIR = Path(__file__).parent / "model"


def _load_filter(model_dir: Path | None, *, remember_spam: bool = True) -> Filter:
    # Imported here so that ``causerie --help`` does not pay for numpy.
    from causerie.spam.filter import Filter
    from causerie.spam.model import ModelError

    try:
        return Filter.load(model_dir or MODEL_DIR, remember_spam=remember_spam)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _require_data(data_dir: Path) -> None:
    if not data_dir.is_dir():
        raise click.ClickException(
            f"{data_dir}: no such data folder. The public data sets and their origins are in "
            f"docs/data.md; `make data DATA={data_dir}` fetches them (needs internet)."
        )


@click.group(name="spam")
def spam() -> None:
    """Check, train and evaluate the spam filter."""


@spam.command()
@click.argument("text")
@click.option("--author", default="", help="Name the commenter gave.")
@click.option("--url", default="", help="Website the commenter gave.")
@click.option("--email", default="", help="E-mail the commenter gave.")
@click.option("--lang", default="en", help="Language of the reasons (en, fr, ar).")
@click.option("--site-lang", multiple=True, help="A language of the site (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Model directory.")
def check(
    text: str,
    author: str,
    url: str,
    email: str,
    lang: str,
    site_lang: tuple[str, ...],
    as_json: bool,
    model_dir: Path | None,
) -> None:
    """Print the verdict, score and reasons for one comment TEXT."""
    from causerie.spam.messages import reason_text
    from causerie.spam.report import verdict_json
    from causerie.spam.verdict import CommentSample

    spam_filter = _load_filter(model_dir)
    sample = CommentSample(
        text, author=author, email=email, url=url, lang=lang, site_languages=site_lang
    )
    verdict = spam_filter.check(sample)
    reasons = [reason_text(r, lang) for r in verdict.reasons]
    if as_json:
        fields = {"verdict": verdict.verdict.value, "score": verdict.score}
        click.echo(verdict_json(verdict.reasons, reasons, **fields))
        return
    click.echo(f"{verdict.verdict.value} (score {verdict.score:.3f})")
    for line in reasons:
        click.echo(f"  - {line}")


@spam.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder of the public data sets.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Where to write global.npz and global.json (copy them to the package to ship them).",
)
@click.option(
    "--stack",
    "stack_table",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Out-of-fold predictions (python -m causerie.spam.stacking): add the n-gram view.",
)
@click.option(
    "--arabic-threshold", is_flag=True, help="Give Arabic-script comments their own threshold."
)
def train(data_dir: Path, out: Path, stack_table: Path | None, arabic_threshold: bool) -> None:
    """Train the global model from the public data sets (reproducible)."""
    from causerie.spam.train import TrainingSettings, train_model

    _require_data(data_dir)
    settings = TrainingSettings(arabic_threshold=arabic_threshold)
    train_model(data_dir, out, settings, log=click.echo, stack_table=stack_table)


@spam.command(name="eval")
@click.argument("csv_file", type=click.Path(path_type=Path))
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Model directory.")
def eval_command(csv_file: Path, model_dir: Path | None) -> None:
    """Score a labelled CSV (content,label[,author,email,url,lang,…]) without learning."""
    from causerie.spam.csv_eval import EvalInputError, evaluate_csv
    from causerie.spam.report import eval_lines

    spam_filter = _load_filter(model_dir, remember_spam=False)
    try:
        counts, errors = evaluate_csv(csv_file, spam_filter)
    except EvalInputError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in eval_lines(csv_file, counts, "spam", "ham", errors):
        click.echo(line)


@spam.command(name="generalization")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder of the public data sets.",
)
@click.option("--only", multiple=True, help="Evaluate only this unit (repeatable).")
@click.option("--jobs", type=int, default=1, show_default=True, help="Units trained at once.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write every figure.")
@click.option(
    "--stack",
    "stack_table",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Out-of-fold predictions: evaluate the stacked model (the shipped method).",
)
@click.option("--no-baseline", is_flag=True, help="Skip the plain baseline (figures unchanged).")
@click.option("--curves", type=click.Path(path_type=Path), help="Write curves.json from scores.")
def generalization_command(
    data_dir: Path,
    only: tuple[str, ...],
    jobs: int,
    json_out: Path | None,
    stack_table: Path | None,
    no_baseline: bool,
    curves: Path | None,
) -> None:
    """Leave-one-source-out with the plain baseline beside it, then corrected streams."""
    from causerie.spam.generalization import main as run_generalization

    _require_data(data_dir)
    argv = ["--data", str(data_dir), "--jobs", str(jobs)]
    if stack_table:
        argv += ["--stack", str(stack_table)]
    if no_baseline:
        argv.append("--no-baseline")
    if curves:
        argv += ["--curves", str(curves)]
    if only:
        argv += ["--only", *only]
    if json_out:
        argv += ["--json", str(json_out)]
    raise SystemExit(run_generalization(argv))
