"""Placeholder: the sync helper replaces this with the private Dovecot fixtures."""
