"""Build the POST data a browser would send for a Django admin change form, from the form and
inline formsets in the GET response's context. Tests then change a field or two and post."""


def _field_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if (
            isinstance(value, bool) or field.widget.input_type == "checkbox"
            if hasattr(field.widget, "input_type")
            else False
        ):
            if value:
                data[key] = "on"
            continue
        if value is None:
            data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value) if not hasattr(value, "pk") else str(value.pk)
    return data


def admin_post_data(response) -> dict:
    ctx = response.context
    data = _field_values(ctx["adminform"].form)
    for inline in ctx["inline_admin_formsets"]:
        formset = inline.formset
        mgmt = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[mgmt.add_prefix(name)] = str(mgmt[name].value())
        for form in formset.forms:
            data.update(_field_values(form))
    return data


def inline_index(data: dict, prefix: str, field: str, value: str) -> int:
    """The row number of the inline row whose ``field`` equals ``value``."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for i in range(total):
        if data.get(f"{prefix}-{i}-{field}") == value:
            return i
    raise KeyError(value)
