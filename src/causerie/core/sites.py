"""Per-site settings: the global defaults, overridden by what a site stores."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from causerie.config import MODERATION_MODES, Settings
from causerie.core.errors import CauserieError
from causerie.spam.sensitivity import parse_sensitivity
from causerie.store.records import SiteRecord

DEFAULT_SITE = "default"
WHO_MAY_COMMENT = ("anyone", "signed_in", "subscribers")
REPORT_ACTIONS = ("hide", "queue")
CLOSE_FROM = ("first_comment", "article")
# What the toxicity model's verdict does on a site (docs/moderation.md, "Insults and hate").
TOXICITY_POLICIES = ("off", "flag", "hold", "reject")


@dataclass(frozen=True)
class SiteSettings:
    """What a site may set for itself (the moderation dashboard edits these)."""

    moderation: str
    edit_window_seconds: int
    allow_anonymous: bool
    anonymous_name: str
    max_comment_length: int
    allowed_origins: tuple[str, ...]
    languages: tuple[str, ...] = ("fr", "ar", "en")
    hold_words: tuple[str, ...] = ()
    reject_words: tuple[str, ...] = ()
    # Retention in days (docs/privacy.md) and the controller shown on /privacy.
    personal_data_retention_days: int = 90
    spam_retention_days: int = 30
    discard_retention_days: int = 7
    unconfirmed_retention_days: int = 7
    privacy_contact: str = ""
    # Reader identity (docs/identity.md): who may comment — "anyone", "signed_in" or
    # "subscribers" — and the sign-in methods offered ("email", "oidc", "sso").
    who_may_comment: str = "anyone"
    signin_methods: tuple[str, ...] = ()
    oidc_preset: str = ""
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_name: str = ""
    oidc_keep_email: bool = False
    sso_secret: str = ""
    sso_public_key: str = ""
    sso_login_url: str = ""
    # The newsroom desk (docs/moderation.md): N open reports hide a comment or only queue
    # it; threads close N days after their first comment or the article's date (0: never);
    # an external moderation hook, asked before a comment is stored.
    report_threshold: int = 3
    report_action: str = "hide"
    auto_close_days: int = 0
    auto_close_from: str = "first_comment"
    moderation_hook_url: str = ""
    moderation_hook_secret: str = ""
    moderation_hook_timeout_ms: int = 1000
    moderation_hook_allow_private: bool = False
    # The toxicity model: off, flag (published, marked in the Toxic queue), hold (pending
    # above the threshold) or reject (held above the threshold, refused above the higher
    # one). Thresholds are per cent of the model's score; 0: the model's own (chosen at
    # training time, docs/toxicity.md). Hold by default, as the desk's brief asks; a desk
    # that cannot review within minutes chooses "flag" (docs/toxicity.md, "Which policy").
    toxicity_policy: str = "hold"
    toxicity_threshold: int = 0
    toxicity_reject_threshold: int = 0
    # The spam filter's sensitivity on this site: "strict", "balanced", "relaxed" or a
    # threshold such as "0.7" (causerie.spam.sensitivity; docs/spam.md).
    spam_sensitivity: str = "balanced"

    @classmethod
    def for_site(cls, settings: Settings, site: SiteRecord | None) -> SiteSettings:
        """Global defaults, overridden by the site's stored settings."""
        base = cls(
            moderation=settings.moderation,
            edit_window_seconds=settings.edit_window_seconds,
            allow_anonymous=settings.allow_anonymous,
            anonymous_name=settings.anonymous_name,
            max_comment_length=settings.max_comment_length,
            allowed_origins=settings.allowed_origins,
            personal_data_retention_days=settings.personal_data_retention_days,
            spam_retention_days=settings.spam_retention_days,
            discard_retention_days=settings.discard_retention_days,
            unconfirmed_retention_days=settings.unconfirmed_retention_days,
            privacy_contact=settings.privacy_contact,
        )
        if site is None or not site.settings:
            return base
        return base.merged(site.settings)

    def merged(self, overrides: dict[str, Any]) -> SiteSettings:
        """A copy with the known, valid overrides applied."""
        fields = {f.name for f in dataclasses.fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in fields:
                continue
            current = getattr(self, key)
            if isinstance(current, tuple) and isinstance(value, list | tuple):
                clean[key] = tuple(str(v) for v in value)
            elif (
                (isinstance(current, bool) and isinstance(value, bool))
                or (
                    isinstance(current, int)
                    and not isinstance(current, bool)
                    and isinstance(value, int)
                )
                or (isinstance(current, str) and isinstance(value, str))
            ):
                clean[key] = value
        if clean.get("moderation", self.moderation) not in MODERATION_MODES:
            raise CauserieError("field_invalid", field="moderation")
        if clean.get("who_may_comment", self.who_may_comment) not in WHO_MAY_COMMENT:
            raise CauserieError("field_invalid", field="who_may_comment")
        if clean.get("report_action", self.report_action) not in REPORT_ACTIONS:
            raise CauserieError("field_invalid", field="report_action")
        if clean.get("auto_close_from", self.auto_close_from) not in CLOSE_FROM:
            raise CauserieError("field_invalid", field="auto_close_from")
        if clean.get("toxicity_policy", self.toxicity_policy) not in TOXICITY_POLICIES:
            raise CauserieError("field_invalid", field="toxicity_policy")
        if parse_sensitivity(clean.get("spam_sensitivity", self.spam_sensitivity)) is None:
            raise CauserieError("field_invalid", field="spam_sensitivity")
        return dataclasses.replace(self, **clean)
