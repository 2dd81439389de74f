"""The form renderer (settings.FORM_RENDERER): Django's, with its plainest templates written here.

Django renders each input and each label of a form through a template of its own, which includes
another one for the attributes. A release's change form has about 80 inputs (hidden ones, the
inline forms' empty rows included) and 30 labels: through the templates, about a seventh of the
page's time (bench/run inprocess --profile "admin: release change form"). Here the templates that
are only an <input> (text, hidden, number, e-mail, date, time …) and the label are written in
Python, as the same HTML character for character (tests/test_form_renderer.py renders each
through both and compares); every other template is still Django's.
"""

import html

from django.forms.renderers import DjangoTemplates

# Django's widget templates that are only {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in [
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
}
LABEL_TEMPLATE = "django/forms/label.html"


def escaped(value):
    """What a template writes for {{ value }} here: Django's conditional_escape, without its check
    for lazy strings on each call (most of the time this module took with it)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def attributes(attrs):
    """django/forms/widgets/attrs.html: ` name="value"` for each, the name alone for True,
    nothing for False."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget):
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{escaped(widget["value"])}"'
    kind, name = escaped(widget["type"]), escaped(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{attributes(widget["attrs"])}>'


def label_html(context):
    """django/forms/label.html: the label, in its tag if the field has an id."""
    label = escaped(context["label"])
    if not context["use_tag"]:
        return label.strip()
    tag = escaped(context["tag"])
    return f"<{tag}{attributes(context['attrs'])}>{label}</{tag}>"


class FormRenderer(DjangoTemplates):
    """What it returns, Django marks safe (as it does with what a template returns)."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        if template_name == LABEL_TEMPLATE:
            return label_html(context)
        return super().render(template_name, context, request)
