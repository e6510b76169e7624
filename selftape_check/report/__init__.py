"""Stage 3, report: serialise a `Report` for people (text) and scripts (JSON). Nothing else prints."""

from .json import SCHEMA_VERSION, report_to_dict, reports_document
from .text import format_time, render_text

__all__ = ["SCHEMA_VERSION", "report_to_dict", "reports_document", "render_text", "format_time"]
