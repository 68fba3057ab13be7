"""Assessor: self-assessment of a policy framework against a checklist of good practice."""
