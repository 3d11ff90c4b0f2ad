"""Reading the config file: TOML (plus an optional ``[profile] file``) -> validated ``Settings``.

``load_config(path)`` reads the file, merges the profile file and validates everything with the pydantic
models of ``settings.py``. Every problem becomes one ``ConfigError`` line naming the file, the key and the
fix (exit code 78).
"""

from __future__ import annotations

import hashlib
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ConfigError
from .paths import expand
from .settings import EXAMPLE_HOSTS, Settings


def _fmt_loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if not parts:
        return "(top level)"
    if len(parts) == 1:
        return parts[0]
    return f"[{parts[0]}] " + ".".join(parts[1:])


def _validation_line(path: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = _fmt_loc(tuple(err.get("loc", ())))
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return f"{path}: {loc}: unknown key; remove it or check its spelling (see config.example.toml)"
    if kind == "missing":
        return f"{path}: {loc}: required key is missing; add it (see config.example.toml)"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if "[" in msg and "]" in msg and msg.startswith("["):
        return f"{path}: {msg}"
    return f"{path}: {loc}: {msg}; fix the value (see config.example.toml)"


def _read_toml(path: Path, what: str) -> tuple[bytes, dict[str, Any]]:
    """(the file's bytes, its TOML). Raises ConfigError naming ``path`` when it is missing, unreadable or
    not TOML."""
    try:
        raw = path.read_bytes()
        return raw, tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        hint = "check the path" if what == "profile file" else "run `gracebox init` to write one, or fix the path"
        raise ConfigError(f"{path}: {what} not found; {hint}") from None
    except PermissionError:
        raise ConfigError(f"{path}: {what} is not readable; check its permissions") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML (not UTF-8: {exc.reason}); fix the encoding") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror})") from None


def read_config(path: Path) -> tuple[str, dict[str, Any]]:
    """Read the config file at ``path`` and merge its ``[profile] file``: returns (sha256 hex of the config's
    bytes and the profile file's bytes, the merged mapping, not validated yet). The one reader of config
    files (``load_config`` and the quick sync path use it). Raises ConfigError (file missing, unreadable,
    not TOML, a profile key set in both places)."""
    raw, data = _read_toml(path, "config file")
    h = hashlib.sha256(raw)
    prof = data.get("profile")
    if isinstance(prof, dict) and prof.get("file"):
        ppath = expand(str(prof["file"]))
        if not ppath.is_absolute():
            ppath = path.parent / ppath
        praw, extra = _read_toml(ppath, "profile file")
        h.update(b"\0profile\0" + praw)
        for key in extra:
            if key in prof and key != "file":
                raise ConfigError(
                    f"{path}: [profile] {key}: set both here and in {ppath}; keep it in one place"
                )
        merged = {k: v for k, v in prof.items() if k != "file"}
        merged.update(extra)
        data = {**data, "profile": merged}
    return h.hexdigest(), data


def settings_from_dict(data: dict[str, Any], source: str = "<config>") -> Settings:
    """Validate a config mapping (already merged with any profile file). Raises ConfigError."""
    try:
        return Settings.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError(_validation_line(source, exc)) from None


def load_config(path: Path, *, require_account: bool = True) -> Settings:
    """Load and validate the config file at ``path``.

    Merges ``[profile] file`` (its top-level keys are profile keys; a key set in both places is an error).
    With ``require_account`` the required keys are checked: ``[imap] host, username`` (or identity email),
    a password source, and ``[identity] email``. Warns on stderr when a file holding ``password`` is
    readable by group/others. Raises ConfigError with one line naming the file, the key and the fix.
    """
    settings, _digest, _data = load_config_digest(path, require_account=require_account)
    return settings


def load_config_digest(path: Path, *, require_account: bool = True) -> tuple[Settings, str, dict[str, Any]]:
    """``load_config`` that also returns the digest ``read_config`` computed and the raw mapping."""
    digest, data = read_config(path)
    settings = settings_from_dict(data, str(path))
    if require_account:
        check_account(settings)
    if _mentions_password(data):
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRGRP | stat.S_IROTH):
                print(
                    f"gracebox: warning: {path} holds a password and is readable by others; "
                    f"run `chmod 600 {path}` or use password_command",
                    file=sys.stderr,
                )
        except OSError:
            pass
    return settings, digest, data


def password_readable_by_others(path: Path, data: dict[str, Any]) -> bool:
    """True when the config mapping ``data`` holds a ``password`` and the file at ``path`` is readable by
    group or others (or can't be checked)."""
    if not _mentions_password(data):
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return True


def _mentions_password(data: dict[str, Any]) -> bool:
    return any(isinstance(data.get(s), dict) and "password" in data[s] for s in ("imap", "smtp"))


def check_account(settings: Settings) -> None:
    """Check the keys a real account needs; raise ConfigError naming the first missing one."""
    src = settings.source or "<config>"
    if settings.imap is None:
        raise ConfigError(f"{src}: [imap]: required table is missing; add host, username and password_command")
    if not (settings.imap.username or settings.my_email()):
        raise ConfigError(f"{src}: [imap] username: required key is missing; add it")
    if not settings.my_email():
        raise ConfigError(f"{src}: [identity] email: required key is missing; add your address")
    for section, srv in (("imap", settings.imap), ("smtp", settings.smtp)):
        if srv is None:
            continue
        if srv.host in EXAMPLE_HOSTS:
            raise ConfigError(f"{src}: [{section}] host: still the example value {srv.host!r}; set your mail server "
                              "(and the other example values) in this file")
        if srv.password is None and not srv.argv():
            raise ConfigError(f"{src}: [{section}] password_command: no password source; add password_command")
        if srv.ca_file and not expand(srv.ca_file).is_file():
            raise ConfigError(f"{src}: [{section}] ca_file: {srv.ca_file} does not exist; fix the path")
