"""What every sub-command shares: exit codes, the one-line error printer, loading the config and the store."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..service.handles import Settings, Store

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_DATAERR, EXIT_TEMPFAIL, EXIT_NOPERM, EXIT_CONFIG = 0, 1, 2, 65, 75, 77, 78


def err(msg: str) -> None:
    """Print ``gracebox: msg`` on stderr."""
    print(f"gracebox: {msg}", file=sys.stderr)


def load(args: argparse.Namespace, *, require_account: bool = True) -> Settings:
    """The validated settings from ``--config`` (or the default path). Raises ConfigError (78)."""
    from ..service.handles import load_config, resolve_config_path

    return load_config(resolve_config_path(args.config), require_account=require_account)


def open_store(settings: Settings) -> Store:
    """The store of ``settings`` (migrated to this version on open). Raises ConfigError (78)."""
    from ..service.handles import Store

    return Store(settings.database_url())
