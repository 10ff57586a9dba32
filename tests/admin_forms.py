"""Post an admin change form as the page shows it, with some values changed."""

from django.urls import reverse


def change_form_data(response) -> dict:
    """Every field of the page's form and inline formsets, as the browser would send it."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            else:
                data[field.html_name] = str(value)
    return data


def post_change(client, model: str, obj, changes: dict):
    url = reverse(f"admin:casemgmt_{model}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data, follow=True)
