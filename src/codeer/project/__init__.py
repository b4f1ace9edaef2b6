"""Use cases on a project that combine several layers (read files, segment, store), shared by CLI and UI."""
