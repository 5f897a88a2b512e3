"""Read an admin change page's form back as the POST data that would save it unchanged."""

from __future__ import annotations

from django import forms
from django.db.models import Model


def _value(value):
    return value.pk if isinstance(value, Model) else value


def form_data(form, data: dict | None = None) -> dict:
    """The data a browser would post for this unbound form, as it is shown."""
    data = {} if data is None else data
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            for number, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{number}"] = "" if part is None else str(part)
        elif isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(bound.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[bound.html_name] = [_value(item) for item in value or []]
        else:
            data[bound.html_name] = "" if value is None else _value(value)
    return data


def change_page_data(response) -> dict:
    """Everything the admin change (or add) page in `response` would post, inlines included."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        form_data(formset.management_form, data)
        for form in formset.forms:
            form_data(form, data)
    return data
