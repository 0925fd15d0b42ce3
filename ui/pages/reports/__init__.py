"""Pieces of the Reports and Roll-up pages: the document preview, period choice, demo inputs."""
