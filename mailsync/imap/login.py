"""Opening the IMAP session: TLS (``config.netutil.tls_context``), STARTTLS, login, graded errors.

Errors never carry the password: ServerUnreachable (75), AuthFailed (77), ConfigError (78).
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from ..config.netutil import describe_error, tls_context
from ..errors import AuthFailed, ConfigError, GraceboxError, ServerUnreachable
from .connection import ImapConnection
from .types import LOOPBACK, _s

if TYPE_CHECKING:
    from ..config import ImapSettings, Settings

def ssl_context(imap: ImapSettings) -> ssl.SSLContext:
    """The ``[imap]`` client TLS context (``netutil.tls_context``): system CAs plus ``ca_file``; checks on.
    Raises ConfigError naming ``[imap] ca_file`` when that file can't be loaded."""
    return tls_context("imap", imap.ca_file)


def _cert_error(where: str, exc: ssl.SSLCertVerificationError, imap: ImapSettings) -> ConfigError:
    why = exc.verify_message or exc.reason or "verification failed"
    hint = ("check that ca_file is the CA that signed the server's certificate" if imap.ca_file
            else "if the server uses a self-signed certificate, set ca_file to its CA certificate (PEM)")
    return ConfigError(f"[imap] ca_file: certificate check failed for {where} ({why}); {hint}")


def connect(settings: Settings, *, remember_password: bool = False) -> ImapConnection:
    """Open, secure and log in to the ``[imap]`` server; return the ImapConnection (a context manager).

    ``security``: "tls" implicit TLS (RFC 8314), "starttls" (RFC 3501 §6.2.1; refused if not offered),
    "plain" (loopback only). Certificates are always checked (system CAs + ``ca_file``). The socket timeout
    is ``[imap] timeout`` seconds. A password already fetched in this process by the quick path is reused;
    ``remember_password`` keeps the one fetched here for later connects (``config.secrets``). Raises
    ServerUnreachable (75), AuthFailed (77), ConfigError (78).
    """
    imap = settings.imap
    if imap is None:
        raise ConfigError(f"{settings.source or '<config>'}: [imap]: required table is missing; add host and username")
    host, port = imap.host, imap.effective_port()
    where = f"{host}:{port}"
    if imap.security == "plain" and host not in LOOPBACK:
        raise ConfigError("[imap] security: plain is only allowed to 127.0.0.1/localhost; use tls or starttls")
    user = imap.username or settings.my_email()
    if not user:
        raise ConfigError("[imap] username: required key is missing; add it")
    from ..config.secrets import cached as cached_password

    cached = cached_password(imap.argv())  # the quick path may have run password_command already
    password = cached if cached is not None else imap.password_value("imap", remember=remember_password)
    ctx = ssl_context(imap)
    try:
        client = IMAPClient(host, port, ssl=imap.security == "tls", ssl_context=ctx, timeout=imap.timeout)
    except ssl.SSLCertVerificationError as exc:
        raise _cert_error(where, exc, imap) from None
    except (OSError, IMAPClientAbortError, EOFError) as exc:
        raise ServerUnreachable(
            f"IMAP {where}: cannot connect ({describe_error(exc)}); check [imap] host and port, or try later"
        ) from None
    except IMAPClientError as exc:
        raise ServerUnreachable(f"IMAP {where}: bad greeting ({' '.join(_s(exc).split())[:200]})") from None
    client.normalise_times = False
    try:
        if imap.security == "starttls":
            caps = {_s(c).upper() for c in client.capabilities()}
            if "STARTTLS" not in caps:
                raise ConfigError(f"[imap] security: {where} does not offer STARTTLS; use security = \"tls\"")
            client.starttls(ctx)
        try:
            client.login(user, password)
        except LoginError as exc:
            text = _s(exc)
            cause = exc.__context__
            if isinstance(cause, imaplib.IMAP4.abort | OSError | EOFError):
                # imapclient turns every error during LOGIN into LoginError, a lost connection included (the
                # abort is its __context__); only the server's NO/BAD answer refuses the credentials.
                why = describe_error(cause) if isinstance(cause, OSError) else (
                    "timed out" if "timed out" in text else "connection closed")
                raise ServerUnreachable(f"IMAP {where}: connection lost while logging in ({why})") from None
            if "UNAVAILABLE" in text.upper():
                raise ServerUnreachable(f"IMAP {where}: login temporarily unavailable; try again later") from None
            raise AuthFailed(
                f"IMAP {where}: login refused for {user!r}; check [imap] username and the password source"
            ) from None
        return ImapConnection(client, imap, where)
    except ssl.SSLCertVerificationError as exc:
        _shutdown(client)
        raise _cert_error(where, exc, imap) from None
    except GraceboxError:
        _shutdown(client)
        raise
    except (OSError, IMAPClientAbortError, EOFError) as exc:
        _shutdown(client)
        raise ServerUnreachable(f"IMAP {where}: connection lost while logging in ({describe_error(exc)})") from None
    except IMAPClientError as exc:
        _shutdown(client)
        raise ServerUnreachable(f"IMAP {where}: {' '.join(_s(exc).split())[:200]}") from None


def _shutdown(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()
