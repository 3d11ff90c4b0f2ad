"""Where Gracebox's files live: the config path, the data folder, ``~``/``$VAR`` expansion.

Standard library and ``platformdirs`` only: the quick sync path imports this before anything heavy.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "gracebox"


def default_config_path() -> Path:
    """Return the platform's config path for Gracebox (``platformdirs``), e.g. ~/.config/gracebox/config.toml."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def default_data_dir() -> Path:
    """Return the platform's user data directory for Gracebox (database, demo outbox)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def expand(p: str | os.PathLike[str]) -> Path:
    """Expand ``~`` and environment variables in a path (``str`` or path-like) into a ``Path``."""
    return Path(os.path.expandvars(os.path.expanduser(str(p))))


def resolve_config_path(explicit: str | None) -> Path:
    """Pick the config file: ``explicit`` (--config), else $GRACEBOX_CONFIG, else the platform path."""
    if explicit:
        return expand(explicit)
    env = os.environ.get("GRACEBOX_CONFIG")
    if env:
        return expand(env)
    return default_config_path()
