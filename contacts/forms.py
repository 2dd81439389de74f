from django import forms

from .models import DistributionList, Journalist, LawfulBasis, Suppression


class JournalistForm(forms.ModelForm):
    """The admin's form: an address on the Sperrliste cannot be entered again."""

    class Meta:
        model = Journalist
        fields = [
            "first_name",
            "last_name",
            "email",
            "outlet",
            "role",
            "phone",
            "beats",
            "notes",
            "lawful_basis",
            "basis_source",
            "basis_date",
        ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Suppression.is_suppressed(email):
            raise forms.ValidationError(
                "Diese Adresse steht auf der Sperrliste (abgemeldet oder unzustellbar) und "
                "darf nicht wieder aufgenommen werden."
            )
        return email


class ContactImportForm(forms.Form):
    file = forms.FileField(
        label="Datei",
        help_text="CSV aus Outlook oder Excel (Semikolon oder Komma, UTF-8 oder Windows-1252) "
        "oder vCard (.vcf).",
    )
    target_list = forms.ModelChoiceField(
        DistributionList.objects.all(),
        required=False,
        label="In den Verteiler aufnehmen",
        empty_label="– keinen –",
    )
    lawful_basis = forms.ChoiceField(
        label="Rechtsgrundlage neuer Adressen",
        choices=LawfulBasis.choices,
        initial=LawfulBasis.LEGITIMATE_INTEREST,
    )
    basis_source = forms.CharField(
        label="Herkunft der Adressen",
        max_length=200,
        required=False,
        help_text="z. B. „Verteiler der Pressestelle, Stand 2025“; leer: „Import <Dateiname>“.",
    )
