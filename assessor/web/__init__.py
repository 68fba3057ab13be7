"""The web interface: blueprints with thin views, and what every template may use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter

from assessor.answers import MAX_ANSWERS_FILE_BYTES, MAX_EVIDENCE_CHARS, RESPONDENTS
from assessor.levels import LEVELS, LEVELS_BY_KEY
from assessor.store import TOKEN_PATTERN


class TokenConverter(BaseConverter):
    """A private-link token in a URL: anything else does not match (404)."""

    regex = TOKEN_PATTERN


def register_blueprints(app: Flask) -> None:
    """Add the URL converters and every blueprint."""
    from assessor.web.assessments import bp as assessments
    from assessor.web.health import bp as health
    from assessor.web.results import bp as results

    app.url_map.converters["token"] = TokenConverter
    app.register_blueprint(assessments)
    app.register_blueprint(health)
    app.register_blueprint(results)


def _respondent_label(key: str) -> str:
    return dict(RESPONDENTS).get(key, key)


def _level_label(key: str | None) -> str:
    return LEVELS_BY_KEY[key].label if key in LEVELS_BY_KEY else "No level chosen"


def _date(value: datetime) -> str:
    return value.strftime("%-d %B %Y at %H:%M UTC")


def register_template_helpers(app: Flask) -> None:
    """Names and filters every template can use."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "levels": LEVELS,
            "respondent_label": _respondent_label,
            "level_label": _level_label,
            "max_evidence_chars": MAX_EVIDENCE_CHARS,
            "max_answers_file_mb": MAX_ANSWERS_FILE_BYTES // (1024 * 1024),
        }

    app.add_template_filter(_date, "date")
