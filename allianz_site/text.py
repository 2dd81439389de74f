"""Plain text as it enters the site: without invisible control characters.

Text pasted from a PDF often carries control characters (U+0002 and its kin). They are invisible,
mean nothing in a press release, and XML 1.0 forbids them: one of them in a title made every RSS
feed listing that release fail. They are removed silently where text enters, as a press office
expects of pasted text (docs/security.md, "Control characters"): the model fields below do it for
every save, whether the text comes from the admin, the importer, a form or a script, and for
every lookup (the importer finds a release again by its title).
"""

import re

from django.db import models

# Unicode's control characters (C0, DEL, C1) and the two non-characters XML 1.0 forbids as well.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Vertical tab and form feed (a page break in text from a PDF) end a line.
PAGE_BREAKS = re.compile(r"[\x0b\x0c]")
# Tab, line feed, carriage return and page breaks: a space in a single line.
LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c]")


def remove_control_characters(text, multiline=False):
    """`text` without control characters. A multi-line text keeps its tabs and line breaks (a
    page break becomes one); in a single line each of them becomes a space."""
    if not isinstance(text, str):
        return text
    text = PAGE_BREAKS.sub("\n", text) if multiline else LINE_BREAKS.sub(" ", text)
    return CONTROL.sub("", text)


class PlainTextMixin:
    """Removes control characters when a value is cleaned (forms, `full_clean`), saved or looked
    up. Migrations see Django's own field (`deconstruct`): the column is the same, only what is
    written into it is cleaner."""

    multiline = False
    migration_path = ""  # the Django field this one is in migrations

    def to_python(self, value):
        return remove_control_characters(super().to_python(value), self.multiline)

    def pre_save(self, model_instance, add):
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.migration_path, args, kwargs


class PlainCharField(PlainTextMixin, models.CharField):
    """A single line of text: title, name, caption, credit."""

    migration_path = "django.db.models.CharField"


class PlainTextField(PlainTextMixin, models.TextField):
    """Text of several lines: lead, description."""

    multiline = True
    migration_path = "django.db.models.TextField"


def remove_stored_control_characters(queryset, single_line=(), multi_line=()):
    """For data migrations: remove the control characters that text stored before these fields
    existed may hold. Reads the fields row by row and updates the rows that change."""
    names = [*single_line, *multi_line]
    for row in queryset.values("pk", *names).iterator():
        cleaned = {name: remove_control_characters(row[name], name in multi_line) for name in names}
        changed = {name: value for name, value in cleaned.items() if value != row[name]}
        if changed:
            queryset.filter(pk=row["pk"]).update(**changed)
