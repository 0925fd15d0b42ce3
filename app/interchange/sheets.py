"""Reading spreadsheets people filled in: .xlsx/.xlsm (Excel, WPS) and .csv, and their cells.

The file is read once from its path into memory (its SHA-256 is of exactly those bytes) and
parsed there: nothing is copied into the vault folder or a temporary folder. Cells come back
as Excel gives them (text, numbers, datetimes, None); the helpers below turn them into what a
case needs, forgiving what people type: full-width digits, stray spaces, Excel serial dates
and the date forms common in Chinese and ISO use (2024-03-05, 2024/3/5, 2024年3月5日,
2024.3.5, 20240305).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from app.errors import AftercareError
from app.i18n import _

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
# A shelter's sheet is a few thousand rows; these stop a wrong or hostile file from filling
# the memory or taking minutes. The workbook's parts are checked in the ZIP directory and
# scanned before openpyxl parses anything (`_check_parts`); rows and cells are counted as
# they are read, a sheet's claimed dimensions ignored (a one-cell sheet may claim a million).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELLS = 2_000_000
MAX_PART_BYTES = 64 * 1024 * 1024  # any one part of a workbook, unpacked
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # all its parts together
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024  # the shared strings, which openpyxl holds whole
MAX_RATIO = 200  # unpacked / packed, for a part above RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
# No part of a workbook has a document type: a declaration is how an entity bomb comes in.
_DECLARATIONS = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
DATE_ORDERS = ("ymd", "dmy", "mdy")


@dataclass
class Table:
    """One sheet: its rows as lists of raw cell values; `number` is the 1-based row in the sheet."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    # (row number, column index) of formula cells saved without a value: a file written by
    # a program that does not calculate (Excel or WPS save the value with the formula).
    uncalculated: set[tuple[int, int]] = field(default_factory=set)

    @property
    def width(self) -> int:
        return max((len(cells) for _n, cells in self.rows), default=0)


@dataclass
class Workbook:
    """A spreadsheet file read into memory: its sheets in file order, and what it was."""

    source: str  # the file's base name, for messages
    sha256: str
    kind: str  # "xlsx", "xlsm" or "csv"
    tables: list[Table]
    encoding: str | None = None  # CSV only

    @property
    def sheet_names(self) -> list[str]:
        return [t.name for t in self.tables]

    def table(self, name: str | None) -> Table:
        if name is None:
            return self.tables[0]
        for t in self.tables:
            if t.name == name:
                return t
        raise AftercareError(
            _('{source} has no sheet named "{sheet}"; its sheets are: {sheets}').format(
                source=self.source, sheet=name, sheets=", ".join(self.sheet_names)
            )
        )


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int:
    """A -> 0, AA -> 26; ValueError for anything that is not a column letter."""
    letter = letter.strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", letter):
        raise ValueError(letter)
    index = 0
    for ch in letter:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


# --- reading files -------------------------------------------------------------------------


def read_file(path: str | Path) -> Workbook:
    """Read a spreadsheet into memory; AftercareError for what cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise AftercareError(
            _("{source} is an old Excel file (.xls); save it as .xlsx and import that.").format(
                source=path.name
            )
        )
    if suffix not in EXCEL_SUFFIXES + CSV_SUFFIXES:
        raise AftercareError(
            _("{source}: only .xlsx, .xlsm and .csv files can be imported.").format(
                source=path.name
            )
        )
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AftercareError(
                _("{source} is larger than {limit} MB.").format(
                    source=path.name, limit=MAX_FILE_BYTES // (1024 * 1024)
                )
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise AftercareError(
            _("Cannot read {file}: {reason}").format(file=path.name, reason=exc.strerror)
        ) from None
    digest = hashlib.sha256(raw).hexdigest()
    if suffix in CSV_SUFFIXES:
        text, encoding = decode_text(raw, path.name)
        return Workbook(path.name, digest, "csv", [_csv_table(text, path.name)], encoding)
    return Workbook(path.name, digest, suffix[1:], _excel_tables(raw, path.name))


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030.

    Excel and WPS on Chinese Windows save CSV in the ANSI code page (GBK, which GB18030
    contains); other tools save UTF-8.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AftercareError(
        _("{source} is neither UTF-8 nor GB18030 text.").format(source=source)
    )  # pragma: no cover - gb18030 decodes nearly any bytes


def _csv_table(text: str, source: str) -> Table:
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    cells_read = 0
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells_read += len(cells)
        _check_bounds(source, source, number, cells_read)
        rows.append((number, [c if c != "" else None for c in cells]))
    return Table("", rows)


def _check_bounds(source: str, sheet: str, rows: int, cells: int) -> None:
    if rows > MAX_ROWS:
        what = _("its sheet {sheet} goes past row {rows}").format(sheet=sheet, rows=f"{MAX_ROWS:,}")
        raise _too_large(source, what)
    if cells > MAX_CELLS:
        what = _("its sheet {sheet} holds more than {cells} cells").format(
            sheet=sheet, cells=f"{MAX_CELLS:,}"
        )
        raise _too_large(source, what)


def _too_large(source: str, what: str) -> AftercareError:
    return AftercareError(
        _("{source} cannot be imported: {what}. Nothing was imported.").format(
            source=source, what=what
        )
    )


def _check_parts(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse a workbook whose parts would unpack too large, or that declares a document type
    (entities), before openpyxl parses anything."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        mb = f"{info.file_size / (1024 * 1024):,.0f} MB"
        if info.file_size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
            what = _("its part {part} would unpack to {size}").format(part=info.filename, size=mb)
            raise _too_large(source, what)
        if (
            info.filename.endswith("sharedStrings.xml")
            and info.file_size > MAX_SHARED_STRINGS_BYTES
        ):
            what = _("its shared strings would unpack to {size}").format(size=mb)
            raise _too_large(source, what)
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            what = _("its part {part} would unpack to {size} from {packed} bytes").format(
                part=info.filename, size=mb, packed=info.compress_size
            )
            raise _too_large(source, what)
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")) and _declares(archive, info):
            what = _("its part {part} declares XML entities (a document type)").format(
                part=info.filename
            )
            raise _too_large(source, what)


def _declares(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(info) as part:
        for chunk in iter(lambda: part.read(1 << 20), b""):
            window = tail + chunk
            if any(word in window for word in _DECLARATIONS):
                return True
            tail = window[-32:]
    return False


def _excel_tables(raw: bytes, source: str) -> list[Table]:
    import openpyxl

    unreadable = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, ParseError)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            _check_parts(archive, source)
        with warnings.catch_warnings():
            # openpyxl warns that it drops the templates' extension data validation.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except unreadable as exc:
        raise AftercareError(
            _("{source} is not an Excel workbook that can be read ({reason}).").format(
                source=source, reason=type(exc).__name__
            )
        ) from None
    try:
        tables = [_sheet_table(sheet, source) for sheet in book.worksheets]
    except unreadable as exc:
        raise AftercareError(
            _("{source} is not an Excel workbook that can be read ({reason}).").format(
                source=source, reason=type(exc).__name__
            )
        ) from None
    finally:
        book.close()
    if _has_formulas(raw):
        _mark_uncalculated(raw, tables)
    return tables


def _has_formulas(raw: bytes) -> bool:
    """Whether any worksheet of the workbook holds a formula (an <f> element)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                data = archive.read(name)
                if b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data:
                    return True
    return False


def _mark_uncalculated(raw: bytes, tables: list[Table]) -> None:
    """Find the formula cells whose saved value is missing (read as blank the first time)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    try:
        for sheet, table in zip(book.worksheets, tables, strict=True):
            sheet.reset_dimensions()  # as `_sheet_table` read it: within its bounds
            read = dict(table.rows)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = read.get(number, [])
                for index, value in enumerate(values):
                    formula = (isinstance(value, str) and value.startswith("=")) or (
                        value is not None
                        and not isinstance(value, str | int | float | bool)
                        and hasattr(value, "text")  # an array formula
                    )
                    if formula and (index >= len(cells) or cells[index] is None):
                        table.uncalculated.add((number, index))
                        if number not in read:
                            read[number] = cells
                        cells.extend([None] * (index + 1 - len(cells)))
            table.rows = sorted(read.items())
    finally:
        book.close()


def _sheet_table(sheet: Any, source: str) -> Table:
    sheet.reset_dimensions()  # rows as they are in the file, not as the sheet claims
    rows = []
    cells_read = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells_read += len(values)
        _check_bounds(source, sheet.title, number, cells_read)
        cells = list(values)
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            rows.append((number, cells))
    return Table(sheet.title, rows)


# --- cells ---------------------------------------------------------------------------------

# Spaces people leave in cells: ordinary, no-break, ideographic (full-width), zero-width.
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (０-９, Ａ-Ｚ, ／, －, ．) as ASCII; other characters unchanged."""
    return "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else " " if ch == "\u3000" else ch
        for ch in text
    )


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text with inner runs of spaces made one; None when blank.

    Names and free text keep their characters; only spaces are tidied.
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800000000.0 typed into a number cell
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def cell_token(value: Any) -> str | None:
    """A cell as text for codes, numbers and identifiers: half-width, no spaces at the ends."""
    text = cell_text(value)
    return None if text is None else to_halfwidth(text).strip() or None


def split_values(value: Any) -> list[str]:
    """The values of a multi-select cell: separated by semicolons (; or ；) or new lines."""
    text = cell_text(value) if not isinstance(value, str) else value
    if not text:
        return []
    parts = re.split(r"[;；\n]", text)
    return [p for p in (_SPACES.sub(" ", part).strip() for part in parts) if p]


class BadDate(ValueError):
    """A cell that is not a date; the message says why, translated."""


_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_OTHER = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
# Excel's day numbers of 1900-03-01 .. 9999-12-31 (1900's false leap day is left out).
_SERIAL_RANGE = (61, 2958465)


def excel_serial_date(serial: float) -> dt.date:
    """The day of an Excel day number (1900 date system), as openpyxl reads it."""
    from openpyxl.utils.datetime import from_excel  # openpyxl loads with the first sheet

    moment: dt.datetime = from_excel(serial)
    return moment.date()


def parse_date(value: Any, order: str = "ymd") -> dt.date | None:
    """The date in a cell; None when blank; BadDate when it is not a real date.

    `order` reads dates written with the year last (05/03/2024): "dmy" or "mdy". With the
    default "ymd" such a date is read only when its day is over 12, so it cannot be wrong.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return excel_serial_date(value)
        raise BadDate(_("{value} is not a date").format(value=cell_text(value)))
    text = cell_token(value)
    if text is None:
        return None
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text).strip()  # a time part
    try:
        if m := _YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _COMPACT.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _OTHER.fullmatch(text):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            if order == "mdy" or (order == "ymd" and second > 12 >= first):
                return dt.date(year, first, second)
            if order == "dmy" or (order == "ymd" and first > 12 >= second):
                return dt.date(year, second, first)
            raise BadDate(
                _('"{value}" could be day/month or month/day; choose the date format').format(
                    value=text
                )
            )
        if re.fullmatch(r"\d{2,5}(\.\d+)?", text):  # a serial date number saved as text (CSV)
            number = float(text)
            if _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
                return excel_serial_date(number)
    except BadDate:
        raise
    except ValueError:  # dt.date refused the day or month
        raise BadDate(_('"{value}" is not a real date').format(value=text)) from None
    raise BadDate(_('"{value}" is not a date').format(value=text))


def normalise_key(text: str) -> str:
    """How headers and picklist values are compared: NFKC, case-folded, no spaces or _-/."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-/.:：,，()（）'’]+", "", text)
