"""Shared fixtures. Server fixtures live in their own plugin modules under tests/servers/."""

import pytest

pytest_plugins = ["tests.servers.dovecot_fixtures", "tests.servers.smtp_fixtures", "tests.servers.postgres_fixtures"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by its folder (unit, integration, tui, soak): ``pytest -m unit`` runs the fast ones."""
    for item in items:
        kind = item.path.parent.name
        if kind in ("unit", "integration", "tui", "soak"):
            item.add_marker(getattr(pytest.mark, kind))
