"""Gracebox's headless core: config, storage, parsing, the red-flag checker, sync and sending.

Nothing in this package imports Textual (an import-linter contract and ``tests/unit/test_layout.py`` check it).
"""

__version__ = "0.1.0"
