"""The Qt window. Only the entry point imports this package."""
