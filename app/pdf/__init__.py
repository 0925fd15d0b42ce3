"""PDF documents: case files, summaries, roll-up reports and the recovery kit.

Each `render_*` function returns the PDF as bytes in the current locale; callers write it
with `app.fileio.atomic_write_bytes`. All text is set in one embedded CJK TrueType font
(`app.pdf.fonts.cjk_font()`), which raises AftercareError on a computer without one.
"""
