"""One module per schema version: `vN.py` upgrades a database from version N-1 to N."""
