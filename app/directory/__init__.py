"""The directory of services and hotlines: model.py (organisations, kinds, the national
hotlines), sharing.py (the signed directory file between units)."""
