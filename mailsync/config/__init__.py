"""Configuration: where the files are (``paths``), reading them (``load``), the validated settings
(``settings``), password commands (``secrets``) and TLS contexts (``netutil``).

The names below are the package's public surface; import them from ``mailsync.config``.
"""

from .load import (
    check_account,
    load_config,
    load_config_digest,
    password_readable_by_others,
    read_config,
    settings_from_dict,
)
from .paths import APP_NAME, default_config_path, default_data_dir, expand, resolve_config_path
from .settings import (
    EXAMPLE_HOSTS,
    FLAG_CODES,
    LOOPBACK,
    ImapSettings,
    ServerSettings,
    Settings,
    SmtpSettings,
)

__all__ = [
    "APP_NAME", "EXAMPLE_HOSTS", "FLAG_CODES", "LOOPBACK", "ImapSettings", "ServerSettings", "Settings",
    "SmtpSettings", "check_account", "default_config_path", "default_data_dir", "expand", "load_config",
    "load_config_digest", "password_readable_by_others", "read_config", "resolve_config_path",
    "settings_from_dict",
]
