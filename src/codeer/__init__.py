"""codeer: keyboard-first qualitative interview coding."""

__version__ = "0.1.0"
