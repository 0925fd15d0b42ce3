"""The directory of services in the window: the dialogs the Directory page, the case file
(resources sheet) and the Refer dialog (a referral by letter) share."""
