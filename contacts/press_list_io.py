"""Import and export of the press list.

Reading a file (`read_contacts_file`) turns what Outlook, Excel or an address book exports (CSV
with semicolons or commas, UTF-8 or Windows-1252, or vCard) into a table with our column names.
Saving it is django-import-export's work (`JournalistResource`): the same resource previews
(`dry_run`), imports and exports, and importing the same file twice changes nothing
(`skip_unchanged`). Each row ends in one `RowReport`: new, updated, unchanged, duplicate in the
file, invalid, or opted out. Invalid rows are reported and the valid ones still imported.
"""

import csv
import io
from dataclasses import dataclass

import tablib
import vobject
from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, resources, widgets
from import_export.results import RowResult

from .models import (
    Journalist,
    LawfulBasis,
    MediaOutlet,
    Suppression,
    normalize_email,
    one_line,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
LINE = "_Zeile"  # the row's line in the file, for the report
PROBLEM = "_Problem"  # found while reading, e.g. a row with more cells than the header
NOTE = "_Hinweis"  # something the reader did, e.g. further addresses of a vCard kept in the notes

# Our column names (those of the export) and what Outlook and Excel call them, in lower case.
COLUMNS = {
    "E-Mail-Adresse": [
        "e-mail-adresse",
        "e-mail",
        "email",
        "e-mail address",
        "email address",
        "e-mail 1",
        "mail",
    ],
    "Vorname": ["vorname", "first name", "given name"],
    "Nachname": ["nachname", "last name", "surname", "family name"],
    "Name": ["name", "full name", "anzeigename", "display name"],
    "Redaktion": ["redaktion", "firma", "company", "organisation", "organization", "medium"],
    "Funktion": ["funktion", "position", "job title", "title"],
    "Telefon": [
        "telefon",
        "telefon geschäftlich",
        "telefon (geschäftlich)",
        "business phone",
        "phone",
    ],
    "Themen": ["themen", "ressort"],
    "Notizen": ["notizen", "notes", "bemerkungen"],
}
HEADER_NAMES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in German."""


def decode(data):
    if b"\x00" in data:
        raise ImportFileError("Die Datei ist keine Text-Datei (CSV oder vCard).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            "Die Zeichenkodierung der Datei ist weder UTF-8 noch Windows-1252."
        ) from None


def read_contacts_file(data):
    """The rows of an uploaded CSV or vCard file as a tablib.Dataset with our column names."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("Die Datei ist größer als 5 MB.")
    text = decode(data)
    if not text.strip():
        raise ImportFileError("Die Datei ist leer.")
    is_vcard = text.lstrip().upper().startswith("BEGIN:VCARD")
    rows = read_vcards(text) if is_vcard else read_csv(text)
    if not rows:
        raise ImportFileError("Die Datei enthält keine Adressen.")
    headers = [*COLUMNS, LINE, PROBLEM, NOTE]
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    return dataset


def read_csv(text):
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"Die CSV-Datei ist beschädigt ({error}).") from None
    header_line = next((number for number, cells in enumerate(lines) if any(cells)), 0)
    header = [HEADER_NAMES.get(cell.strip().lower()) for cell in lines[header_line]]
    if "E-Mail-Adresse" not in header:
        raise ImportFileError(
            "In der ersten Zeile fehlt die Spalte mit den E-Mail-Adressen "
            "(z. B. „E-Mail-Adresse“ oder „E-mail Address“)."
        )
    rows = []
    for number, cells in enumerate(lines[header_line + 1 :], start=header_line + 2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {LINE: number}
        for name, cell in zip(header, cells, strict=False):
            if name and cell.strip():
                row[name] = cell.strip()
        if any(cell.strip() for cell in cells[len(header) :]):
            row[PROBLEM] = "Die Zeile hat mehr Spalten als die Kopfzeile (Trennzeichen im Text?)."
        rows.append(row)
    return rows


def read_vcards(text):
    rows = []
    try:
        cards = list(vobject.readComponents(text, ignoreUnreadable=False))
    except Exception as error:  # vobject raises its own ParseError and plain ValueErrors
        raise ImportFileError(f"Die vCard-Datei ist beschädigt ({error}).") from None
    for number, card in enumerate(cards, start=1):
        row = {LINE: number}
        contents = card.contents
        if "n" in contents:
            name = contents["n"][0].value
            row["Vorname"], row["Nachname"] = str(name.given), str(name.family)
        elif "fn" in contents:
            row["Name"] = contents["fn"][0].value
        if "org" in contents:
            row["Redaktion"] = (contents["org"][0].value or [""])[0]
        if "title" in contents:
            row["Funktion"] = contents["title"][0].value
        if "tel" in contents:
            row["Telefon"] = contents["tel"][0].value
        notes = [line.value for line in contents.get("note", [])]
        addresses = sorted(
            contents.get("email", []),
            key=lambda line: "PREF" not in [t.upper() for t in line.params.get("TYPE", [])],
        )
        if addresses:
            row["E-Mail-Adresse"] = addresses[0].value
            others = [line.value for line in addresses[1:]]
            if others:
                notes.append("Weitere Adressen: " + ", ".join(others))
                row[NOTE] = (
                    f"Die Karte hat {len(addresses)} Adressen; importiert wird "
                    f"{addresses[0].value}, die übrigen stehen in den Notizen."
                )
        row["Notizen"] = "\n".join(notes)
        rows.append(row)
    return rows


class OutletWidget(widgets.ForeignKeyWidget):
    """A Redaktion by its name; a name not known yet becomes a new Redaktion."""

    def __init__(self):
        super().__init__(MediaOutlet, field="name")

    def clean(self, value, row=None, **kwargs):
        name = one_line(value)
        if not name:
            return None
        return MediaOutlet.objects.get_or_create(name=name)[0]


class JournalistResource(resources.ModelResource):
    email = fields.Field("email", "E-Mail-Adresse")
    first_name = fields.Field("first_name", "Vorname", default="")
    last_name = fields.Field("last_name", "Nachname", default="")
    outlet = fields.Field("outlet", "Redaktion", widget=OutletWidget())
    role = fields.Field("role", "Funktion", default="")
    phone = fields.Field("phone", "Telefon", default="")
    beats = fields.Field("beats", "Themen", default="")
    notes = fields.Field("notes", "Notizen", default="")
    lawful_basis = fields.Field(column_name="Rechtsgrundlage", readonly=True)
    basis_source = fields.Field("basis_source", "Herkunft der Adresse", readonly=True)
    basis_date = fields.Field("basis_date", "Erhoben am", readonly=True)
    lists = fields.Field(column_name="Verteiler", readonly=True)

    class Meta:
        model = Journalist
        import_id_fields = ["email"]
        fields = [
            "email",
            "first_name",
            "last_name",
            "outlet",
            "role",
            "phone",
            "beats",
            "notes",
            "lawful_basis",
            "basis_source",
            "basis_date",
            "lists",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_html_diff = True

    def __init__(self, basis=LawfulBasis.LEGITIMATE_INTEREST, source="", target_list=None):
        super().__init__()
        self.basis, self.source, self.target_list = basis, source, target_list
        self.seen = set()

    # Export

    def dehydrate_lawful_basis(self, journalist):
        return journalist.get_lawful_basis_display()

    def dehydrate_lists(self, journalist):
        return ", ".join(sorted(item.name for item in journalist.lists.all()))

    def dehydrate_outlet(self, journalist):
        return journalist.outlet.name if journalist.outlet else ""

    # Import

    def before_import_row(self, row, **kwargs):
        if row.get(PROBLEM):
            raise ValidationError(row[PROBLEM], code="broken")
        row["E-Mail-Adresse"] = email = normalize_email(row.get("E-Mail-Adresse"))
        if not email:
            raise ValidationError("Die Zeile hat keine E-Mail-Adresse.", code="invalid")
        if row.get("Name") and not (row.get("Vorname") or row.get("Nachname")):
            first, _space, last = one_line(row["Name"]).rpartition(" ")
            row["Vorname"], row["Nachname"] = first, last
        if email in self.seen:
            raise ValidationError(
                "Die Adresse steht weiter oben schon in der Datei.", code="duplicate"
            )
        self.seen.add(email)
        suppression = Suppression.objects.filter(email=email).first()
        if suppression:
            raise ValidationError(
                f"Die Adresse steht auf der Sperrliste ({suppression.get_reason_display()}) "
                "und wird nicht importiert.",
                code=suppression.reason,
            )

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.pk is None:  # the lawful basis is recorded when an address is first stored
            instance.lawful_basis, instance.basis_source = self.basis, self.source

    def skip_row(self, instance, original, row, import_validation_errors=None):
        skip = super().skip_row(instance, original, row, import_validation_errors)
        if skip and self.target_list and instance.pk:
            return self.target_list.members.filter(pk=instance.pk).exists()
        return skip

    def after_save_instance(self, instance, row, **kwargs):
        if self.target_list:
            self.target_list.members.add(instance)


@dataclass
class RowReport:
    line: int
    email: str
    name: str
    outcome: str  # one of OUTCOMES
    message: str = ""


OUTCOMES = {
    "new": "neu",
    "update": "aktualisiert",
    "skip": "unverändert",
    "duplicate": "doppelt",
    "invalid": "ungültig",
    "opted_out": "abgemeldet",
    "bounced": "unzustellbar",
    "error": "Fehler",
}


def import_contacts(dataset, *, dry_run, basis, source, target_list=None):
    """Import (or, with dry_run, only try) the rows; returns one RowReport per row."""
    resource = JournalistResource(basis=basis, source=source, target_list=target_list)
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
    reports = []
    for number, (row_result, values) in enumerate(zip(result.rows, dataset.dict, strict=True)):
        name = one_line(f"{values.get('Vorname', '')} {values.get('Nachname', '')}")
        report = RowReport(
            line=values.get(LINE) or number + 1,
            email=normalize_email(values.get("E-Mail-Adresse")),
            name=name or one_line(values.get("Name")),
            outcome=row_result.import_type,
            message=values.get(NOTE, ""),
        )
        error = row_result.validation_error
        if error is not None:
            code = getattr(error, "code", None)
            report.outcome = code if code in OUTCOMES else "invalid"
            report.message = "; ".join(error.messages)
        elif row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
            report.outcome = "error"
            report.message = "; ".join(str(e.error) for e in row_result.errors)
        reports.append(report)
    return reports


def export_contacts(queryset):
    """The journalists as CSV (UTF-8 with BOM and semicolons, as German Excel opens it)."""
    dataset = JournalistResource().export(
        queryset.select_related("outlet").prefetch_related("lists")
    )
    return "\ufeff" + dataset.export("csv", delimiter=";")
