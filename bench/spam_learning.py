"""Online learning on a new campaign: ``python bench/spam_learning.py [--data ../shared/data]``.

``--units [--jobs 2]``: the same on every held-out unit with spam, up to 20
decisions (bench/spam_learning_units.py).

A French crypto scam ("Veltrix", varied wording, no links or phone numbers)
that the global model lets through. A moderator marks the first k messages
as spam (k = 1..5); we report how many of the *other* messages are then
caught, and the false-positive rate on French and Darija ham before and after.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from causerie.spam import datasets as ds
from causerie.spam.filter import Filter
from causerie.spam.state import MemoryLearningLog
from causerie.spam.verdict import CommentSample

ROOT = Path(__file__).resolve().parents[1]
SITE = "journal"
CAMPAIGN = [
    "J'ai découvert Veltrix il y a deux mois et mes économies ont déjà doublé, merci Camille",
    "Veltrix a changé ma vie, Camille m'a montré comment faire fructifier mon épargne",
    "Grâce à la méthode Veltrix de Camille, je touche un complément chaque semaine",
    "Camille de chez Veltrix m'a accompagnée, résultat mon capital a triplé en un trimestre",
    "Si vous voulez que votre argent travaille pour vous, demandez à Camille pour Veltrix",
    "Veltrix, c'est la solution que Camille m'a conseillée pour sortir du découvert",
    "Depuis que j'utilise Veltrix sur les conseils de Camille, je n'ai plus de soucis d'argent",
    "Camille m'a fait confiance et Veltrix a multiplié mes placements, je recommande",
    "Mes proches n'y croyaient pas mais Veltrix a vraiment rapporté, parlez-en à Camille",
    "Je remercie Camille et l'équipe Veltrix, mes gains dépassent mon salaire",
    "Avec Veltrix j'ai remboursé ma voiture en trois mois, Camille est une perle",
    "Vous hésitez ? Veltrix et Camille m'ont permis de quitter mon emploi",
    "Un grand merci à Camille, Veltrix fait des merveilles avec les économies",
    "Veltrix : mon épargne a pris 40 % en six semaines, Camille explique tout",
    "Camille, conseillère Veltrix, m'a appris à gagner plus que mon loyer chaque mois",
]
FRENCH_HAM = [
    "Merci pour cet article, enfin quelqu'un qui explique clairement la réforme.",
    "Mon épargne fond avec l'inflation, et les banques ne proposent rien de sérieux.",
    "Camille Étienne avait raison dans le débat d'hier soir.",
    "Le gouvernement devrait aider les ménages à sortir du découvert.",
]


def ham_sets(data: Path | None) -> dict[str, list[str]]:
    """French and Darija ham: the project's own lines, plus held-out public ham if present."""
    sets = {
        "french_validation_ham": [r.text for r in ds.french_validation() if r.label == 0]
        + FRENCH_HAM
    }
    if data and data.is_dir():
        for r in ds.allocine(data) + ds.myc(data):
            if r.part == ds.TEST:
                name = f"{r.source}/{r.group}" if r.group else r.source
                sets.setdefault(name, []).append(r.text)
    return sets


def fpr(spam_filter: Filter, texts: list[str]) -> float:
    """Share of ham called spam on the learning site."""
    return sum(spam_filter.check(CommentSample(t, site=SITE)).is_spam for t in texts) / len(texts)


def main() -> None:
    """Print caught share and ham FPR after each moderator decision."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--units", action="store_true", help="every held-out unit (slow)")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    if args.units:
        from spam_learning_units import run

        run(args.data, args.jobs)
        return
    spam_filter = Filter.load(log=MemoryLearningLog(), refresh_interval=0.0, remember_spam=False)
    missed = [t for t in CAMPAIGN if not spam_filter.check(CommentSample(t, site=SITE)).is_spam]
    print(f"campaign: {len(CAMPAIGN)} messages, global model misses {len(missed)}")
    hams = ham_sets(args.data)
    for name, texts in hams.items():
        print(f"  ham FPR before  {name:<26} n={len(texts):5d} {fpr(spam_filter, texts):.4f}")
    for k in range(1, 6):
        spam_filter.learn(CommentSample(missed[k - 1], site=SITE), True, source="moderator")
        rest = missed[k:]
        caught = sum(spam_filter.check(CommentSample(t, site=SITE)).is_spam for t in rest)
        print(f"after {k} decision(s): {caught}/{len(rest)} other campaign messages caught")
    for name, texts in hams.items():
        print(f"  ham FPR after   {name:<26} n={len(texts):5d} {fpr(spam_filter, texts):.4f}")
    other = Filter(spam_filter.model, spam_filter.log, refresh_interval=0.0, remember_spam=False)
    caught = sum(other.check(CommentSample(t, site=SITE)).is_spam for t in missed[5:])
    print(f"a second process replaying the log catches {caught}/{len(missed) - 5}")


if __name__ == "__main__":
    csv.field_size_limit(10_000_000)
    main()
