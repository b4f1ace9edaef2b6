"""Screens of the workbench: the transcripts list, the coding screen, and the dialogs they open."""
