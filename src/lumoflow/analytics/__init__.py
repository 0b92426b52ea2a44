"""LumoFlow measurement engine: pure functions of the canonical interaction log.

No Django and nothing of the platform is imported here (an import-linter contract enforces it).
Read a log with :func:`read_log` (or :func:`load_input` for edge lists and events CSVs), cut it
with :func:`make_frame`, and measure it with the metric families, or all at once with
:func:`analyze`.
"""

from lumoflow.analytics.fading import fading_signal
from lumoflow.analytics.frame import Frame, Options, Period, make_frame
from lumoflow.analytics.log import (
    InteractionLog,
    LogError,
    make_log,
    read_log,
    validate,
    write_log,
)
from lumoflow.analytics.network import network_summary
from lumoflow.analytics.participation import participation
from lumoflow.analytics.privacy import Guarded, guard
from lumoflow.analytics.readers import load_input, read_edge_list, read_events_csv, read_people
from lumoflow.analytics.relevance import on_topic_share
from lumoflow.analytics.report import Report, analyze
from lumoflow.analytics.responsiveness import responsiveness
from lumoflow.analytics.value import value_outcomes

__all__ = [
    "Frame",
    "Guarded",
    "InteractionLog",
    "LogError",
    "Options",
    "Period",
    "Report",
    "analyze",
    "fading_signal",
    "guard",
    "load_input",
    "make_frame",
    "make_log",
    "network_summary",
    "on_topic_share",
    "participation",
    "read_edge_list",
    "read_events_csv",
    "read_log",
    "read_people",
    "responsiveness",
    "validate",
    "value_outcomes",
    "write_log",
]
