"""Small network helpers shared by the IMAP and SMTP clients: TLS contexts and password-free error text."""

from __future__ import annotations

import socket
import ssl

from ..errors import ConfigError


def describe_error(exc: BaseException) -> str:
    """A short, password-free description of a network exception ("timed out", "connection refused", ...)."""
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return f"host name lookup failed ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def tls_context(section: str, ca_file: str | None) -> ssl.SSLContext:
    """A client TLS context: the system CAs plus ``ca_file`` (PEM) when set; certificate and host name checks on.

    Raises ConfigError naming ``[section] ca_file`` when that file can't be loaded.
    """
    ctx = ssl.create_default_context()
    if ca_file:
        from .paths import expand

        path = expand(ca_file)
        try:
            ctx.load_verify_locations(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"[{section}] ca_file: cannot load {path} ({describe_error(exc)}); "
                "point it at the server's CA certificate (PEM)"
            ) from None
    return ctx
