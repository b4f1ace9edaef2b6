"""The ``codeer`` command: thin argument parsing over the layers below (one module per command group)."""
