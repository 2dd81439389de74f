import re

from django import forms
from django.db import models

from .models import Partner, Project, Topic

# Characters nobody types into a search box (NUL and the other C0 controls except tab/newline).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReleaseFilterForm(forms.Form):
    """Search and filters above the archive: a GET form, so the address carries the whole state.

    The year (and month) is not a field: it is the archive's own address (/presse/2022/), and the
    form is sent to the address it is on. A filter that does not validate is shown with its error
    and left out; the page still lists the releases.

    Adding a filter is a field here, a line in `narrow`, and its facet counts in
    ReleaseArchiveView.facets (a choice of objects: one line there too).
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
    projekt = forms.ModelChoiceField(
        label="Projekt",
        queryset=Project.objects.public(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Dieses Projekt gibt es nicht (mehr)."},
    )
    partner = forms.ModelChoiceField(
        label="Partner",
        queryset=Partner.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Diesen Partner gibt es nicht (mehr)."},
    )

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
        if "projekt" in values:
            releases = releases.filter(projects=values["projekt"])
        if "partner" in values:
            releases = releases.filter(partners=values["partner"])
        return releases


class SubscriptionForm(forms.Form):
    email = forms.EmailField(
        label="E-Mail-Adresse",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topics = forms.ModelMultipleChoiceField(
        label="Themen",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    projects = forms.ModelMultipleChoiceField(
        label="Projekte",
        queryset=Project.objects.public(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label="Ich möchte neue Pressemitteilungen per E-Mail erhalten. Meine Adresse wird nur "
        "dafür verwendet; ich kann das Abonnement jederzeit mit einem Klick beenden, dann wird "
        "sie gelöscht.",
        error_messages={"required": "Bitte bestätigen Sie, dass Sie die E-Mails erhalten möchten."},
    )


class ImageFilterForm(forms.Form):
    """Search and filters above the Bildarchiv (/presse/bilder/), a GET form like the archive's.
    A filter that does not validate is shown with its error and left out."""

    q = forms.CharField(label="Bildunterschrift oder Bildnachweis", max_length=200, required=False)
    thema = forms.ModelChoiceField(
        label="Thema",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Dieses Thema gibt es nicht (mehr)."},
    )
    projekt = forms.ModelChoiceField(
        label="Projekt",
        queryset=Project.objects.public(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Dieses Projekt gibt es nicht (mehr)."},
    )
    jahr = forms.IntegerField(
        label="Jahr",
        min_value=1900,
        max_value=2999,
        required=False,
        error_messages={"invalid": "Bitte ein Jahr wie 2022 wählen."},
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for key, values in data.lists():
                data.setlist(key, [CONTROL_CHARACTERS.sub("", value) for value in values])
        super().__init__(data, **kwargs)

    def values(self):
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def narrow(self, images):
        """The images (a ReleaseImage QuerySet) that match every valid filter."""
        values = self.values()
        if "q" in values:
            images = images.filter(
                models.Q(caption__icontains=values["q"]) | models.Q(credit__icontains=values["q"])
            )
        if "thema" in values:
            images = images.filter(release__topics=values["thema"])
        if "projekt" in values:
            images = images.filter(release__projects=values["projekt"])
        if "jahr" in values:
            images = images.filter(release__release_date__year=values["jahr"])
        return images
