"""tui tests."""
