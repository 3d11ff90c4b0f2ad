"""The IMAP side: one session class (``connection.ImapConnection``, imapclient underneath), how it is
opened (``login.connect``: TLS, STARTTLS, LOGIN) and the plain data it returns (``types``). No SQL, no Textual."""

from .connection import ImapConnection
from .login import connect, ssl_context
from .types import DEFAULT_SENT, EnvelopeInfo, FetchedMessage, FolderError, FolderMissing, FolderStatus, chunks

__all__ = ["DEFAULT_SENT", "EnvelopeInfo", "FetchedMessage", "FolderError", "FolderMissing", "FolderStatus",
           "ImapConnection", "chunks", "connect", "ssl_context"]
