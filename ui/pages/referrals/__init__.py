"""Referrals between vaults in the window (app.services.referrals does the work).

contact_dialogs.py  adding a contact card (its fingerprint in large digits), marking a
                    contact verified by typing the digits the other unit read out, and
                    saving this vault's own card
refer_dialog.py     Refer... from a case file: a verified contact, the sections, consent
packages_dialog.py  a case's referral packages: reply, send a receipt, withdraw
receive.py          Receive package...: import a file, say what it was, open the case
conflict_dialog.py  both versions of a section side by side, one choice per conflict
case_actions.py     the Refer... and Referral packages... buttons of the case file
files.py            where packages go (a folder; the file name is random) and come from
"""
