"""ASGI entry point for process managers: ``uvicorn causerie.asgi:app``.

Settings come from the environment (and ``CAUSERIE_CONFIG``, a TOML file).
"""

from causerie.app import create_app, settle_after_start
from causerie.config import load_settings

app = create_app(load_settings())
settle_after_start()
