"""Shared fixtures. Server fixtures live in their own plugin modules under tests/servers/."""

pytest_plugins = ["tests.servers.dovecot_fixtures", "tests.servers.smtp_fixtures", "tests.servers.postgres_fixtures"]
