"""``python -m causerie`` is the ``causerie`` command."""

from causerie.cli import main

main()
