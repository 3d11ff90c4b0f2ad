"""Running ``password_command``: the one place a password is fetched (IMAP and SMTP, full and quick sync).

The command runs without a shell; its first output line is the password. The quick path keeps the value in
memory for the same argv (``cached``), so a quick-path check followed by the full sync asks once.
Nothing here writes a password anywhere or puts it in an error message.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from ..errors import ConfigError

_PASSWORDS: dict[tuple[str, ...], str] = {}


def cached(argv: Sequence[str] | None) -> str | None:
    """The output of ``password_command`` ``argv`` when this process already ran it, else None."""
    return _PASSWORDS.get(tuple(argv)) if argv else None


def run_password_command(argv: Sequence[str], section: str, *, remember: bool = False) -> str:
    """Run ``argv`` (no shell, 60 s timeout) and return the first line it printed ("" when none).

    ``section`` ("imap" or "smtp") names the config table in errors; ``remember``: keep the value for
    ``cached`` (the quick path does, so the full path after it does not ask again; the TUI does not, so
    every sync asks the command). Raises ConfigError (naming ``[section] password_command`` and the exit
    status, never the output) when the command can't be run or exits non-zero.
    """
    try:
        out = subprocess.run(list(argv), capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        raise ConfigError(
            f"[{section}] password_command: cannot run {argv[0]!r} ({type(exc).__name__}); "
            "fix the command or use an absolute path"
        ) from None
    if out.returncode != 0:
        raise ConfigError(
            f"[{section}] password_command: {argv[0]!r} exited with status {out.returncode}; "
            "run it by hand to check it prints the password"
        )
    value = out.stdout.decode("utf-8", "replace").splitlines()[0] if out.stdout.strip() else ""
    if remember:
        _PASSWORDS[tuple(argv)] = value
    return value
