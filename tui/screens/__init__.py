"""Screens of the Gracebox TUI: inbox, reply editor, confirm dialog, note dialog, help."""
