"""SMTP delivery (``SmtpSession``): TLS or STARTTLS with certificate checks, login, one message per call,
the server's answer graded as temporary (4xx), permanent (5xx) or unknown (connection lost after DATA)."""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl

from ..config.netutil import describe_error, tls_context
from ..config.settings import Settings, SmtpSettings
from ..errors import ConfigError
from ..imap.types import LOOPBACK
from .replies import _one_line

# --- SMTP -------------------------------------------------------------------------------------------------


class _Defer(Exception):
    """The reply can't go now but nothing was sent (connection, login, config): stays queued, no backoff."""


class _Temporary(Exception):
    """A 4xx refusal: queued again with backoff."""


class _Permanent(Exception):
    """A 5xx refusal: failed, with the server's words."""


class _Unknown(Exception):
    """The connection broke after the end of the DATA: the server may have the message."""


def _words(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return _one_line(f"{code} {text}")


def _scrub(text: str, secret: str | None) -> str:
    if secret and len(secret) >= 3:
        text = text.replace(secret, "***")
    return text


def smtp_ssl_context(smtp: SmtpSettings) -> ssl.SSLContext:
    """The ``[smtp]`` client TLS context (``netutil.tls_context``): system CAs plus ``ca_file``; checks on.
    Raises ConfigError naming ``[smtp] ca_file`` when that file can't be loaded."""
    return tls_context("smtp", smtp.ca_file)


class SmtpSession:
    """One logged-in SMTP connection (smtplib) for a flush; ``send`` classifies every outcome.

    Opened by ``open``: security tls (implicit TLS, RFC 8314) / starttls (RFC 3207) / plain (loopback only),
    certificate checks on, ``[smtp] timeout`` seconds on every socket operation, AUTH with the username
    (default the identity email) and the password from ``[smtp]``.
    """

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp is not None
        self.settings = settings
        self.smtp = settings.smtp
        self.where = f"{self.smtp.host}:{self.smtp.effective_port()}"
        self.conn: smtplib.SMTP | None = None
        self._password: str | None = None

    def open(self) -> None:
        """Connect, secure and log in. Raises _Defer with a one-line reason (never the password)."""
        s = self.smtp
        if s.security == "plain" and s.host not in LOOPBACK:  # also when settings were built unvalidated
            raise _Defer("[smtp] security: plain is only allowed to 127.0.0.1/localhost; use tls or starttls")
        try:
            # No password source at all: an unauthenticated relay (e.g. a local MTA); no AUTH is tried.
            if s.password is not None or s.argv():
                self._password = s.password_value("smtp")
            ctx = smtp_ssl_context(s)
        except ConfigError as exc:
            raise _Defer(str(exc)) from None
        user = s.username or self.settings.my_email()
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "tls":
                conn = smtplib.SMTP_SSL(s.host, s.effective_port(), timeout=s.timeout, context=ctx)
            else:
                conn = smtplib.SMTP(s.host, s.effective_port(), timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise _Defer(f"[smtp] security: {self.where} does not offer STARTTLS; use security = \"tls\"")
                conn.starttls(context=ctx)
                conn.ehlo()
            if user and self._password is not None:
                if not conn.has_extn("auth"):
                    raise _Defer(f"SMTP {self.where} offers no AUTH; check [smtp] security and port")
                conn.login(user, self._password)
        except _Defer:
            self._drop(conn)
            raise
        except ssl.SSLCertVerificationError as exc:
            self._drop(conn)
            why = exc.verify_message or exc.reason or "verification failed"
            raise _Defer(f"[smtp] ca_file: certificate check failed for {self.where} ({why}); "
                         "if the server uses a self-signed certificate, set ca_file to its CA (PEM)") from None
        except smtplib.SMTPAuthenticationError as exc:
            self._drop(conn)
            raise _Defer(self._safe(f"SMTP login refused: {_words(exc.smtp_code, exc.smtp_error)}; "
                                    "check [smtp] username and the password source")) from None
        except smtplib.SMTPResponseException as exc:
            self._drop(conn)
            raise _Defer(self._safe(f"SMTP {self.where} refused the session: "
                                    f"{_words(exc.smtp_code, exc.smtp_error)}")) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop(conn)
            raise _Defer(self._safe(f"SMTP {self.where}: cannot connect ({describe_error(exc)})")) from None
        self.conn = conn

    def _safe(self, text: str) -> str:
        return _scrub(text, self._password)

    @staticmethod
    def _drop(conn: smtplib.SMTP | None) -> None:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        """QUIT (best effort) and close."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.quit()
            self._drop(self.conn)
            self.conn = None

    def _classify(self, code: int, words: str) -> Exception:
        if code == 421:  # RFC 5321 §3.8: the server is closing the connection
            self.close()
        if 400 <= code < 500:
            return _Temporary(words)
        return _Permanent(words)

    def _after_refusal(self, code: int | None = None) -> None:
        """Reset the transaction after a refusal so the connection can carry the next reply."""
        if self.conn is None or code == 421:
            return
        try:
            self.conn.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def send(self, mail_from: str, rcpts: list[str], raw: bytes) -> str | None:
        """Send one message; return None, or a note naming recipients refused while others were accepted.

        Raises _Temporary (4xx), _Permanent (5xx), _Defer (connection lost before the end of the DATA;
        nothing was delivered) or _Unknown (connection lost after the end of the DATA was sent). The steps
        are MAIL, RCPT per recipient, DATA, the dot-stuffed content (RFC 5321 §4.5.2) and the final reply.
        """
        conn = self.conn
        assert conn is not None
        options: list[str] = []
        if not raw.isascii():
            if not conn.has_extn("8bitmime"):
                raise _Permanent(f"SMTP {self.where} does not accept 8-bit mail (no 8BITMIME)")
            options.append("BODY=8BITMIME")
        if not (mail_from.isascii() and all(r.isascii() for r in rcpts)):
            if not conn.has_extn("smtputf8"):
                raise _Permanent(f"SMTP {self.where} does not accept non-ASCII addresses (no SMTPUTF8)")
            options.append("SMTPUTF8")
        try:
            code, resp = conn.mail(mail_from, options)
            if code != 250:
                raise self._classify(code, self._safe(_words(code, resp)))
            refused: dict[str, str] = {}
            for r in rcpts:
                code, resp = conn.rcpt(r)
                if code not in (250, 251):
                    refused[r] = _words(code, resp)
            if len(refused) == len(rcpts):
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    conn.rset()
                temporary = all(w.startswith("4") for w in refused.values())
                words = "; ".join(f"{r}: {w}" for r, w in refused.items())
                raise (_Temporary(words) if temporary else _Permanent(words)) from None
            code, resp = conn.docmd("data")
            if code != 354:
                raise self._classify(code, _words(code, resp))
            conn.send(_dot_stuff(raw))
        except (_Temporary, _Permanent):
            self._after_refusal()
            raise
        except smtplib.SMTPResponseException as exc:
            self._after_refusal()
            raise self._classify(exc.smtp_code, self._safe(_words(exc.smtp_code, exc.smtp_error))) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _Defer(f"SMTP {self.where}: connection lost before the message was sent ({describe_error(exc)})") \
                from None
        # The end of the DATA is on its way: from here a lost connection means "unknown".
        try:
            code, resp = conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _Unknown(f"SMTP {self.where}: connection lost after the message was sent, before the server "
                           f"confirmed it ({describe_error(exc)}); it may or may not have been delivered") from None
        if code != 250:
            err = self._classify(code, self._safe(_words(code, resp)))
            self._after_refusal(code)
            raise err
        if refused:
            return "not accepted by the server for " + "; ".join(f"{r}: {w}" for r, w in refused.items())
        return None


def _dot_stuff(raw: bytes) -> bytes:
    """CRLF line ends, leading dots doubled, and the terminating "." line (RFC 5321 §4.5.2)."""
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


