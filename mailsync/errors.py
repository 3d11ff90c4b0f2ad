"""Errors graded by what they abort, each carrying the process exit code (README "Commands").

* ``ConfigError`` (78): the configuration is invalid; the message names the file, the key and the fix.
* ``ServerUnreachable`` (75): connect/timeout failures; cron retries.
* ``AuthFailed`` (77): the server refused the login.
* ``MessageError`` (65): one input message could not be processed.
Messages are one line and never contain a password.
"""

from __future__ import annotations


class GraceboxError(Exception):
    """Base class: ``exit_code`` is the process exit status the CLI uses."""

    exit_code = 1


class ConfigError(GraceboxError):
    """The configuration is invalid or missing (exit 78, EX_CONFIG)."""

    exit_code = 78


class ServerUnreachable(GraceboxError):
    """The IMAP or SMTP server could not be reached or timed out (exit 75, EX_TEMPFAIL)."""

    exit_code = 75


class AuthFailed(GraceboxError):
    """The server refused the credentials (exit 77, EX_NOPERM)."""

    exit_code = 77


class MessageError(GraceboxError):
    """A message could not be processed (exit 65, EX_DATAERR)."""

    exit_code = 65


class TemplateError(GraceboxError):
    """A reply template failed to render (unknown variable, sandbox violation, syntax error)."""

    exit_code = 78
