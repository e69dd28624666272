"""Causerie: self-hosted comments with a multilingual spam filter."""

__version__ = "0.1.0"
