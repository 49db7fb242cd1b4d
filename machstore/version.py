"""The one place machstore's version is defined (read by pyproject.toml)."""
__version__ = "0.1.0"
