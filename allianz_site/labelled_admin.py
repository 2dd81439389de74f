"""Names for the admin's inputs that Django heads only with a column title.

A tabular inline, and a list with editable columns (list_editable), show one row of inputs per
object under the titles of their columns; the inputs themselves have no <label>, so a screen
reader announces an input without saying what goes in it (axe-core: "Form elements must have
labels"). Here each of them gets an aria-label that says its column and row, in a tabular inline
also its table: "Projekträume: Name, Zeile 2", "Reihenfolge, Landkreis Helmstedt".
"""

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


def with_named_inputs(formset, name):
    """A subclass of `formset` whose forms give each visible input the aria-label
    `name(form, index, column)`; index is None for the formset's empty form."""

    class NamedInputsFormSet(formset):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, RelatedFieldWidgetWrapper):
                    # The wrapper (a choice list with its add and change links) renders the
                    # widget it holds with that widget's attrs, not its own.
                    widget = widget.widget
                if not widget.is_hidden:
                    widget.attrs["aria-label"] = name(form, index, field.label)

    return NamedInputsFormSet


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs name their table, column and row."""

    def get_formset(self, request, obj=None, **kwargs):
        table = self.verbose_name_plural

        def name(form, index, column):
            # No index: the hidden row that "… hinzufügen" copies into the page; which row a
            # copy becomes is known only once the form is saved.
            row = "neue Zeile" if index is None else f"Zeile {index + 1}"
            return f"{table}: {column}, {row}"

        return with_named_inputs(super().get_formset(request, obj, **kwargs), name)


class LabelledListEditable:
    """For a ModelAdmin with list_editable: each input of the list names its column and object."""

    def get_changelist_formset(self, request, **kwargs):
        return with_named_inputs(
            super().get_changelist_formset(request, **kwargs),
            lambda form, index, column: f"{column}, {form.instance}",
        )
