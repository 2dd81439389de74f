"""Slugs that read well in German: "Größere Förderung" becomes "groessere-foerderung"."""

from django.utils.text import slugify

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def slugify_de(value):
    """Slugify with the German transliteration; other accents fall back to Django's (é → e)."""
    return slugify(str(value).translate(GERMAN_TRANSLITERATION))


def unique_slug(instance, value, field_name="slug"):
    """A slug for `value` that no other row of the instance's model uses yet (-2, -3, … on clashes)."""
    max_length = instance._meta.get_field(field_name).max_length
    base = slugify_de(value)[: max_length - 4].strip("-") or "eintrag"
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    candidate, number = base, 2
    while others.filter(**{field_name: candidate}).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate
