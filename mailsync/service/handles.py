"""The names the TUI may hold from below the service layer, re-exported in one place: the settings and
store handles it passes back into ``service`` functions, the request-list row, the safe-text helpers and
the reply subject rule. Everything here is plain data or a pure function."""

from __future__ import annotations

from ..config import Settings
from ..mail.compose import reply_subject
from ..mail.safe_text import display_safe, looks_like_other_address, truncate_cells
from ..store.engine import Store
from ..store.listing import RequestRow

__all__ = ["RequestRow", "Settings", "Store", "display_safe", "looks_like_other_address", "reply_subject",
           "truncate_cells"]
