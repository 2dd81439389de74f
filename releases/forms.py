import re

from django import forms

from .models import Topic

# Characters nobody types into a search box (NUL and the other C0 controls except tab/newline).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReleaseFilterForm(forms.Form):
    """Search and filters above the archive: a GET form, so the address carries the whole state.

    The year (and month) is not a field: it is the archive's own address (/presse/2022/), and the
    form is sent to the address it is on. A filter that does not validate is shown with its error
    and left out; the page still lists the releases.

    Adding a filter (for example `projekt` once projects exist) is a field here, a line in
    `narrow`, and its facet counts in ReleaseArchiveView.get_context_data.
    """

    q = forms.CharField(label="Suchbegriff", max_length=200, required=False)
    thema = forms.ModelChoiceField(
        label="Thema",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Dieses Thema gibt es nicht (mehr)."},
    )
    ort = forms.CharField(label="Ort", max_length=120, required=False)

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for key, values in data.lists():
                data.setlist(key, [CONTROL_CHARACTERS.sub("", value) for value in values])
        super().__init__(data, **kwargs)

    def values(self, skip=None):
        """The valid, non-empty filter values; `skip` leaves one out."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value and name != skip}

    def narrow(self, releases, skip=None):
        """The releases that match every filter (except `skip`: a facet counts without itself)."""
        values = self.values(skip)
        if "q" in values:
            releases = releases.search(values["q"])
        if "thema" in values:
            releases = releases.filter(topics=values["thema"])
        if "ort" in values:
            releases = releases.in_place(values["ort"])
        return releases
