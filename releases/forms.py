from django import forms

from .models import Project, Topic


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
