"""Widgets of the Gracebox TUI: the virtual request list, the detail view, flag badges, the meter bar."""
