"""The WordPress must-use plugin that sends the Akismet plugin's calls to Causerie."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlsplit

MU_PLUGIN_NAME = "causerie-akismet.php"


def causerie_url(value: str) -> str:
    """The server's base URL as the plugin needs it: http(s), a host, no trailing slash."""
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http:// or https:// URL with a host name")
    if parts.query or parts.fragment or any(c in url for c in "'\\\"<> "):
        raise ValueError(f"{value!r} must be a plain base URL (no query, quotes or spaces)")
    return url


def mu_plugin(url: str) -> str:
    """The PHP of ``wp-content/mu-plugins/causerie-akismet.php`` for a Causerie server."""
    template = files("causerie.integrations").joinpath(MU_PLUGIN_NAME).read_text("utf-8")
    return template.replace("{{URL}}", causerie_url(url))
