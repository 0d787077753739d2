"""The package version: one place, read by pyproject.toml, `pln --version` and the Atom export."""

__version__ = "0.1.0"
