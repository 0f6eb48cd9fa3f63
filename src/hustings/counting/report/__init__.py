"""Reports of a count: the signed count sheet as text, a publishable HTML page, CSV and JSON."""

from __future__ import annotations

import json
from typing import Literal

from hustings.counting.report.html import html_report
from hustings.counting.report.table import csv_report
from hustings.counting.report.text import text_report
from hustings.counting.result import CountResult

__all__ = [
    "REPORT_FORMATS",
    "ReportFormat",
    "csv_report",
    "html_report",
    "json_report",
    "render",
    "text_report",
]

ReportFormat = Literal["text", "json", "html", "csv"]
REPORT_FORMATS: tuple[ReportFormat, ...] = ("text", "json", "html", "csv")


def json_report(result: CountResult) -> str:
    """Return the result as JSON: every stage, total and decision, decimals as strings."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(result: CountResult, report_format: ReportFormat) -> str:
    """Return the result in one of the report formats."""
    if report_format == "text":
        return text_report(result)
    if report_format == "json":
        return json_report(result)
    if report_format == "html":
        return html_report(result)
    if report_format == "csv":
        return csv_report(result)
    raise ValueError(f"unknown report format {report_format!r}; choose one of {REPORT_FORMATS}")
