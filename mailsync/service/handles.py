"""The names the TUI and the CLI may hold from below the service layer, re-exported in one place: loading
the settings, the settings and store handles they pass back into ``service`` functions, the request-list
row, the safe-text helpers and the reply subject rule."""

from __future__ import annotations

from ..config import Settings, load_config, resolve_config_path
from ..mail.compose import reply_subject
from ..mail.safe_text import display_safe, looks_like_other_address, truncate_cells
from ..store.engine import Store
from ..store.listing import RequestRow

__all__ = ["RequestRow", "Settings", "Store", "display_safe", "load_config", "looks_like_other_address",
           "reply_subject", "resolve_config_path", "truncate_cells"]
