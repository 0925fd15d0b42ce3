"""Referrals between vaults on offline laptops: contact cards, sealed packages, section merges.

`keys` holds the vault's receiving key and the contact card file; `package` seals and opens
the `.acpkg` files; `sections` cuts a case into the sections a package may carry and merges
a reply back. The use-cases (send, receive, reply, ...) are `app.services.referrals`.
"""
