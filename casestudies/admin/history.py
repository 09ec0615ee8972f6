"""What changed between two versions of a sheet, field by field (the history's « Comparer »):
the sheet's own fields word by word, and its lines (parties, instruments, citations, lessons)
as the lists they were."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from casestudies.models import CaseStudy


@dataclass
class FieldChange:
    label: str
    diff: SafeString  # the text with <del> and <ins>


def word_diff(before: str, after: str) -> SafeString:
    old, new = before.split(), after.split()
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))


def shown(field, value) -> str:
    """A stored value as the form shows it: a choice's label, a related record's name."""
    if value is None:
        return ""
    if field.many_to_many:
        names = field.related_model.objects.in_bulk(value or [])
        return ", ".join(sorted(str(names[pk]) for pk in value if pk in names))
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def lines_of(version) -> dict[str, list[str]]:
    """The sheet's lines saved with this version, by kind (« parties prenantes »…)."""
    lines: dict[str, list[str]] = {}
    for other in version.revision.version_set.select_related("content_type"):
        model = other.content_type.model_class()
        if model is None or model is CaseStudy:
            continue
        label = str(model._meta.verbose_name_plural)
        lines.setdefault(label, []).append(other.object_repr)
    return {label: sorted(items) for label, items in lines.items()}


def compare(before, after) -> list[FieldChange]:
    """The fields that differ between two versions of a sheet, in the form's order."""
    changes = []
    old, new = before.field_dict, after.field_dict
    fields = [
        f for f in CaseStudy._meta.get_fields() if getattr(f, "editable", False) and f.concrete
    ]
    for field in fields:
        a, b = (
            shown(field, old.get(field.attname, old.get(field.name))),
            shown(field, new.get(field.attname, new.get(field.name))),
        )
        if a != b:
            changes.append(FieldChange(str(field.verbose_name).capitalize(), word_diff(a, b)))
    old_lines, new_lines = lines_of(before), lines_of(after)
    for label in sorted(set(old_lines) | set(new_lines)):
        a, b = old_lines.get(label, []), new_lines.get(label, [])
        if a != b:
            gone = [f"<del>{escape(line)}</del>" for line in a if line not in b]
            added = [f"<ins>{escape(line)}</ins>" for line in b if line not in a]
            diff = mark_safe("<br>".join(gone + added))
            changes.append(FieldChange(label.capitalize(), diff))
    return changes
