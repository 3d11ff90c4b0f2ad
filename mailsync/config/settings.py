"""The validated settings: pydantic models of every config table (they forbid unknown keys).

``load.py`` reads the file into these. Passwords are fetched on demand (``ServerSettings.password_value``,
through ``secrets.py``), never stored on the settings object, never logged.
"""

from __future__ import annotations

import shlex
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ConfigError
from ..types import CheckerTuning, ContactInfo, ListEntry, Referral
from .paths import default_data_dir, expand

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Host names of config.example.toml: a config still holding them was not edited yet.
EXAMPLE_HOSTS = {"imap.example.com", "smtp.example.com"}
FLAG_CODES = ("RF1", "RF2", "RF3", "RF4", "RF5", "RF6", "RF7")



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Strict):
    """Connection settings shared by ``[imap]`` and ``[smtp]``."""

    host: str
    """Server host name."""
    port: int | None = None
    """TCP port; default from ``security`` (IMAP 993/143, SMTP 465/587)."""
    security: Literal["tls", "starttls", "plain"] = "tls"
    """tls (implicit), starttls, or plain (only to 127.0.0.1 / localhost)."""
    username: str | None = None
    """Login name; defaults to ``[identity] email``."""
    password: str | None = Field(default=None, repr=False)
    """The password itself (discouraged: prefer password_command)."""
    password_command: list[str] | str | None = Field(default=None, repr=False)
    """argv list (or a string split like a shell would, never run by one) that prints the password."""
    ca_file: str | None = None
    """Extra CA certificate (PEM) to trust, e.g. a self-signed server's; checks stay on."""
    timeout: float = 30.0
    """Seconds for every socket operation."""

    @field_validator("timeout")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("must be a positive number of seconds")
        return v

    @field_validator("password_command")
    @classmethod
    def _splittable(cls, v: list[str] | str | None) -> list[str] | str | None:
        # A string is split like a shell would (and never run by one): unbalanced quotes are a config error
        # here, not a ValueError when the password is needed. The message never repeats the command.
        if isinstance(v, str):
            try:
                shlex.split(v)
            except ValueError as exc:
                raise ValueError(f"cannot be split into arguments ({exc}); an argv list such as "
                                 "[\"pass\", \"show\", \"mail\"] needs no quoting") from None
        return v

    def argv(self) -> list[str] | None:
        """Return ``password_command`` as an argv list, or None."""
        if self.password_command is None:
            return None
        if isinstance(self.password_command, str):
            return shlex.split(self.password_command)
        return list(self.password_command)

    def password_value(self, section: str, *, remember: bool = False) -> str:
        """Return the password: run ``password_command`` (no shell) or return ``password``. ``remember``:
        keep the command's output in memory for this process (``secrets.cached``).

        Raises ConfigError (naming ``[section] password_command`` and its exit status, never its output)
        when the command can't be run or fails, or when no password source is configured.
        """
        argv = self.argv()
        if argv:
            from .secrets import run_password_command

            return run_password_command(argv, section, remember=remember)
        if self.password is not None:
            return self.password
        raise ConfigError(f"[{section}]: no password source; set password_command (or password)")


class ImapSettings(ServerSettings):
    """The ``[imap]`` table."""

    requests_folder: str = "INBOX"
    """The IMAP folder where networking requests are filed."""
    sent_folder: str | None = None
    """The Sent folder; default: the folder with SPECIAL-USE \\Sent, else "Sent"."""

    def effective_port(self) -> int:
        """Return the port, defaulting by ``security`` (993 tls, 143 starttls/plain)."""
        return self.port or (993 if self.security == "tls" else 143)


class SmtpSettings(ServerSettings):
    """The ``[smtp]`` table."""

    def effective_port(self) -> int:
        """Return the port, defaulting by ``security`` (465 tls, 587 starttls, 25 plain)."""
        return self.port or {"tls": 465, "starttls": 587, "plain": 25}[self.security]


class IdentitySettings(_Strict):
    """The ``[identity]`` table: who the replies come from."""

    name: str | None = None
    email: str | None = None
    signature: str | None = None
    role: str | None = None


class Organization(_Strict):
    """A professional organization to point people to (Scenario 1)."""

    name: str
    url: str | None = None


class Article(_Strict):
    """An article to share (Scenario 1)."""

    title: str
    url: str | None = None


class WatchEntry(_Strict):
    """One ``network_warnings`` (RF4) or ``reputation_watch`` (RF2) entry."""

    pattern: str
    reason: str = ""
    reported_by: str | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        v = v.strip().lower()
        if "@" not in v or v.endswith("@"):
            raise ValueError('must be a full address or "*@domain"')
        return v


class ContactEntry(_Strict):
    """One ``[[profile.contacts]]`` entry."""

    address: str
    name: str | None = None
    experience: Literal["positive", "neutral", "negative"] = "neutral"
    note: str | None = None


class ReferralEntry(_Strict):
    """One ``[[profile.referrals]]`` entry: someone to introduce requesters to (RF7)."""

    name: str
    address: str
    topics: list[str] = []


class ProfileSettings(_Strict):
    """What the checker and templates know about the user (``[profile]``, or its ``file``)."""

    name: str | None = None
    email: str | None = None
    role: str | None = None
    expertise: list[str] = []
    monthly_capacity: int | None = None
    weekly_limit: int | None = None
    on_break_until: date | None = None
    organization: Organization | None = None
    event: str | None = None
    articles: list[Article] = []
    network_warnings: list[WatchEntry] = []
    reputation_watch: list[WatchEntry] = []
    contacts: list[ContactEntry] = []
    referrals: list[ReferralEntry] = []
    file: str | None = None


class StorageSettings(_Strict):
    """``[storage]``: where the database lives."""

    database_url: str | None = None
    """Any SQLAlchemy URL; default sqlite in the platform's data dir. ``~`` is expanded."""


class TemplateSettings(_Strict):
    """``[templates]``: a folder whose files override the shipped templates."""

    dir: str | None = None


class UiSettings(_Strict):
    """``[ui]``: TUI behaviour."""

    sync_interval: float = 5.0
    """Minutes between background syncs while the TUI is open (0 disables)."""


class CheckerSettings(_Strict):
    """``[checker]``: tuning of the red-flag rules."""

    phrases: dict[str, list[str]] = {}
    """Extra phrases per flag code, e.g. RF1 = ["our platform"]."""
    weights: dict[str, float] = {}
    """Weight per rule id (0 disables the rule)."""
    thresholds: dict[str, float] = {}
    """Points a flag needs to fire, per flag code."""

    @field_validator("phrases", "thresholds")
    @classmethod
    def _codes(cls, v: dict[str, Any]) -> dict[str, Any]:
        for k in v:
            if k not in FLAG_CODES:
                raise ValueError(f"unknown flag code {k!r}; use one of {', '.join(FLAG_CODES)}")
        return v


class Settings(_Strict):
    """The whole validated configuration. ``source`` is the file it came from (None for demo/tests)."""

    imap: ImapSettings | None = None
    smtp: SmtpSettings | None = None
    identity: IdentitySettings = IdentitySettings()
    profile: ProfileSettings = ProfileSettings()
    storage: StorageSettings = StorageSettings()
    templates: TemplateSettings = TemplateSettings()
    ui: UiSettings = UiSettings()
    checker: CheckerSettings = CheckerSettings()
    source: str | None = None

    @model_validator(mode="after")
    def _loopback_plain(self) -> Settings:
        for section, srv in (("imap", self.imap), ("smtp", self.smtp)):
            if srv is not None and srv.security == "plain" and srv.host not in LOOPBACK:
                raise ValueError(
                    f"[{section}] security: plain is only allowed to 127.0.0.1/localhost; use tls or starttls"
                )
        return self

    # --- derived views -------------------------------------------------------------------------------
    def my_email(self) -> str | None:
        """The user's address: ``[identity] email``, else the profile's ``email``."""
        return self.identity.email or self.profile.email

    def my_name(self) -> str | None:
        """The user's name: ``[identity] name``, else the profile's ``name``."""
        return self.identity.name or self.profile.name

    def database_url(self) -> str:
        """Return the SQLAlchemy URL with ``~`` expanded; default ``sqlite:///<data dir>/gracebox.db``."""
        url = self.storage.database_url
        if not url:
            return f"sqlite:///{default_data_dir() / 'gracebox.db'}"
        if url.startswith("sqlite:///"):
            return "sqlite:///" + str(expand(url[len("sqlite:///"):]))
        return url

    def contacts(self) -> list[ContactInfo]:
        """Config contacts as ``ContactInfo`` (addresses lower-case)."""
        return [
            ContactInfo(c.address.strip().lower(), c.name, c.experience, c.note) for c in self.profile.contacts
        ]

    def watch_lists(self) -> tuple[tuple[ListEntry, ...], tuple[ListEntry, ...]]:
        """Return (network_warnings, reputation_watch) as ``ListEntry`` tuples."""

        def conv(xs: list[WatchEntry]) -> tuple[ListEntry, ...]:
            return tuple(ListEntry(x.pattern, x.reason, x.reported_by) for x in xs)

        return conv(self.profile.network_warnings), conv(self.profile.reputation_watch)

    def referrals(self) -> tuple[Referral, ...]:
        """``[[profile.referrals]]`` as ``Referral`` tuples (topics lower-case)."""
        return tuple(
            Referral(r.name, r.address.lower(), tuple(t.lower() for t in r.topics)) for r in self.profile.referrals
        )

    def tuning(self) -> CheckerTuning:
        """The ``[checker]`` table as ``CheckerTuning``."""
        c = self.checker
        return CheckerTuning(
            extra_phrases={k: tuple(v) for k, v in c.phrases.items()},
            weights=dict(c.weights),
            thresholds=dict(c.thresholds),
        )


