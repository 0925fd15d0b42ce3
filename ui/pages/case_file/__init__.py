"""The case file's parts: one module per tab or dialog, hosted by ui.pages.case_file_page.

forms.py          keyed fields, problems beside them, read-only, state for drafts
section_form.py   a form over one section of the case, saved with one service call
entry_list.py     a table of entries with Add / Edit / Delete
*_tab.py          one tab per section (app.codes.Section order)
entry_dialogs.py  add/edit dialogs for follow-ups, referrals and notes
service_dialog.py the add/edit dialog for a service, with its kind's detail fields
close_dialog.py   close a case with a reason and date; reopen with a reason
header.py         the case's number, name, status, age and group, and its actions
drafts.py         what an automatic lock keeps, and restoring it
"""
