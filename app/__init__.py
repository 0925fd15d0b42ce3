"""Aftercare: everything that is not drawing. Nothing in app/ imports Qt or ui/."""

__version__ = "0.1.0"
