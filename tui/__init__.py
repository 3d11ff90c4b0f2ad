"""Gracebox's Textual UI. Only ``gracebox``/``gracebox demo`` import this package."""
