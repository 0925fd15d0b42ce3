"""Where the keyboard is: a frame around a table while it has the focus."""

FOCUS_STYLE = "QTableView:focus { border: 2px solid #1a5fb4; }"
