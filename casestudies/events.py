"""Signals of the domain that Django does not send.

``sheets_changed(ids=…)``: sheets changed by a bulk statement (an ``UPDATE`` of the publication
status, placements inserted in bulk…), which sends no model signal. ``signals.py`` connects it
to ``indexing.schedule_refresh``, the one owner of what is derived from the sheets: the models
and the reference import announce a change without knowing what depends on it.
"""

from django.dispatch import Signal

sheets_changed = Signal()
