"""ASGI entry point for process managers: ``uvicorn causerie.asgi:app``.

Settings come from the environment (and ``CAUSERIE_CONFIG``, a TOML file).
"""

import gc

from causerie.app import create_app
from causerie.config import load_settings

app = create_app(load_settings())
# Objects made at start-up live for the whole process: keep them out of the
# collector's full passes, which otherwise add pauses to request latency.
gc.freeze()
