"""Placeholder: the send helper replaces this with the aiosmtpd fixtures."""
