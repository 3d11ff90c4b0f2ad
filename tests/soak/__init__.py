"""soak tests."""
