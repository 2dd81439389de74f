"""allianz_site/form_renderer.py writes Django's plainest form templates in Python: the HTML must
be Django's, character for character."""

import datetime
import re

import pytest
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from allianz_site.form_renderer import INPUT_TEMPLATES, FormRenderer

from .helpers import ADD_URL, LIST_URL

lazy_text = lazy(lambda: "Später <übersetzt>", str)()

ATTRS = {
    "id": "id_feld",
    "class": "vTextField",
    "maxlength": 200,
    "step": 0.5,
    "required": True,
    "disabled": False,
    "placeholder": "Mit \"Anführung\" & <Zeichen> 'hier'",
    "aria-label": lazy_text,
    "data-safe": mark_safe("<b>schon sicher</b>"),
    "data-none": None,
}


@pytest.mark.parametrize("template_name", sorted(INPUT_TEMPLATES))
@pytest.mark.parametrize(
    "value", [None, "", 'Text mit <Zeichen> & "Anführung"', 0, 12, mark_safe("<i>sicher</i>")]
)
@pytest.mark.parametrize("attrs", [{}, ATTRS])
def test_an_input_is_written_as_djangos_template_writes_it(template_name, value, attrs):
    kind = template_name.rsplit("/", 1)[1].removesuffix(".html")
    context = {"widget": {"name": "feld-0-name", "type": kind, "value": value, "attrs": attrs}}
    ours = FormRenderer().render(template_name, context)
    assert ours == DjangoTemplates().render(template_name, context)


MOMENT = datetime.datetime(2031, 3, 28, 10, 0, tzinfo=datetime.UTC)
PLAIN_VALUES = [None, "Wert <1>", 3, True]


@pytest.mark.parametrize(
    "widget, value",
    [
        *(
            (widget, value)
            for widget in [
                forms.TextInput(),
                forms.HiddenInput(),
                forms.NumberInput(attrs={"min": 0}),
                forms.EmailInput(),
                forms.CheckboxInput(),
                forms.FileInput(),
                forms.PasswordInput(render_value=True),
                forms.URLInput(),
                forms.Select(choices=[("a", "A"), (3, "Drei")]),
                admin_widgets.AdminTextInputWidget(),
                admin_widgets.AdminIntegerFieldWidget(),
                admin_widgets.AdminEmailInputWidget(),
            ]
            for value in PLAIN_VALUES
        ),
        *(
            (widget, value)
            for widget in [
                forms.DateInput(),
                forms.TimeInput(),
                admin_widgets.AdminDateWidget(),
                admin_widgets.AdminTimeWidget(),
                admin_widgets.AdminSplitDateTime(),
                forms.SplitHiddenDateTimeWidget(),
            ]
            for value in [None, MOMENT]
        ),
    ],
)
def test_a_widget_renders_as_with_djangos_renderer(widget, value):
    attrs = {"id": "id_feld", "aria-describedby": "id_feld_helptext"}
    ours = widget.render("feld", value, attrs, renderer=FormRenderer())
    assert ours == widget.render("feld", value, attrs, renderer=DjangoTemplates())


class Form(forms.Form):
    name = forms.CharField(label="Name <und> Titel")
    safe = forms.CharField(label=mark_safe("<em>Sicher</em>"), required=False)
    agreed = forms.BooleanField(label=lazy_text, required=False)


@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("field", ["name", "safe", "agreed"])
def test_a_label_is_written_as_djangos_template_writes_it(auto_id, field):
    ours, djangos = (
        Form(auto_id=auto_id, renderer=renderer)[field] for renderer in [FormRenderer(), None]
    )
    djangos.form.renderer = DjangoTemplates()
    assert ours.label_tag() == djangos.label_tag()
    assert ours.label_tag(attrs={"class": "required"}) == djangos.label_tag(
        attrs={"class": "required"}
    )
    assert ours.legend_tag() == djangos.legend_tag()
    assert str(Form(auto_id=auto_id, renderer=FormRenderer())) == str(
        Form(auto_id=auto_id, renderer=DjangoTemplates())
    )


def without_csrf_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("page", ["change", "add", "list"])
def test_the_release_admins_pages_are_the_html_djangos_renderer_writes(
    staff_client, make_release, topic, settings, page
):
    """Whole pages: a release's change form (with an image, an attachment and a topic chosen),
    the empty form and the list."""
    release = make_release(topics=[topic], images=1, attachments=1)
    url = {"change": f"{LIST_URL}{release.pk}/change/", "add": ADD_URL, "list": LIST_URL}[page]
    assert settings.FORM_RENDERER == "allianz_site.form_renderer.FormRenderer"
    ours = without_csrf_token(staff_client.get(url).content.decode())
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    djangos = without_csrf_token(staff_client.get(url).content.decode())
    assert ours == djangos
    assert "<input" in ours
