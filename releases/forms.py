from django import forms
from django.db import models

from allianz_site.text import remove_control_characters

from .models import Partner, Project, Topic


class SearchForm(forms.Form):
    """A GET form of search and filters: characters nobody types into a search box (control
    characters) are taken out before anything else sees the input."""

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for key, values in data.lists():
                data.setlist(key, [remove_control_characters(v, multiline=True) for v in values])
        super().__init__(data, **kwargs)


class ReleaseFilterForm(SearchForm):
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
        queryset=Topic.objects.none(),  # the public ones, see __init__
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
        queryset=Partner.objects.none(),  # the public ones, see __init__
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Diesen Partner gibt es nicht (mehr)."},
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # Which topics and partners are public depends on the moment (a release under embargo
        # brings its own at its moment): asked for each form, not once when this module loads;
        # and only when one is chosen (building these querysets costs a millisecond, and the
        # archive shows its choices from the counts, not from the fields).
        for name, public in [("thema", Topic.objects.public), ("partner", Partner.objects.public)]:
            if self.data.get(name):
                self.fields[name].queryset = public()

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
        queryset=Topic.objects.none(),  # the public ones, see __init__
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
    frequency = forms.ChoiceField(
        label="Wie oft?",
        choices=[
            ("each", "Eine E-Mail je neuer Mitteilung"),
            ("daily", "Eine Zusammenfassung am Tag mit allen neuen Mitteilungen"),
        ],
        initial="each",
        required=False,  # a form from before the choice existed means "each"
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label="Ich möchte neue Pressemitteilungen per E-Mail erhalten. Meine Adresse wird nur "
        "dafür verwendet; ich kann das Abonnement jederzeit mit einem Klick beenden, dann wird "
        "sie gelöscht.",
        error_messages={"required": "Bitte bestätigen Sie, dass Sie die E-Mails erhalten möchten."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.public()  # as of this moment


class ReviewDecisionForm(forms.Form):
    """A co-issuer's answer on the review page: approve, or ask for a change (with a comment).
    `version` is the version of the release the page showed; the decision is recorded against it."""

    decision = forms.ChoiceField(
        label="Entscheidung",
        choices=[("approved", "Freigeben"), ("changes", "Änderung erbitten")],
        error_messages={
            key: "Bitte wählen Sie „Freigeben“ oder „Änderung erbitten“."
            for key in ["required", "invalid_choice"]
        },
    )
    comment = forms.CharField(
        label="Kommentar",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Bei „Änderung erbitten“: Was soll sich ändern?",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            key: "Die Seite war unvollständig. Bitte laden Sie sie neu und versuchen Sie es noch "
            "einmal."
            for key in ["required", "invalid"]
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not data.get("comment", "").strip():
            self.add_error("comment", "Bitte schreiben Sie, was sich ändern soll.")
        return data


class ImageFilterForm(SearchForm):
    """Search and filters above the Bildarchiv (/presse/bilder/), a GET form like the archive's.
    A filter that does not validate is shown with its error and left out."""

    q = forms.CharField(label="Bildunterschrift oder Bildnachweis", max_length=200, required=False)
    thema = forms.ModelChoiceField(
        label="Thema",
        queryset=Topic.objects.none(),  # the public ones, see __init__
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
        super().__init__(data, **kwargs)
        self.fields["thema"].queryset = Topic.objects.public()  # as of this moment

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
