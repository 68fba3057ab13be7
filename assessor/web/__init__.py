"""The web interface: the app factory (:mod:`.app`) and blueprints with thin views.

One blueprint per area (:mod:`.assessments`, :mod:`.results`, :mod:`.plan` for the action plan,
:mod:`.compare` for follow-ups and comparisons, :mod:`.health`); what several blueprints share lives
beside them: :mod:`.lookup` (an assessment, theme or checklist, or 404), :mod:`.errors` (error
pages), :mod:`.ratelimit` (failed private-link lookups and creations), :mod:`.report_jobs`
(the report queue, its cache and consumers, pre-renders after saves), :mod:`.request` (uploads).
"""
