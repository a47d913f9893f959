"""Errors that speak the user's language: they name the file, key or row at fault."""


class ConfigError(ValueError):
    """A configuration value is missing, unknown or out of range."""


class DataError(ValueError):
    """An input or intermediate file is unreadable or not shaped as expected."""
