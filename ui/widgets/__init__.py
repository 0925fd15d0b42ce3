"""Reusable inputs: passphrase with strength meter, code-list combo box, empty-able date edit."""
