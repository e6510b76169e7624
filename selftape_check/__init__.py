"""selftape-check: can casting see your eyes and hear your voice?

    >>> from selftape_check import analyze
    >>> report = analyze("take3.mp4")
    >>> report.verdict, [f.check for f in report.findings]

Pipeline (one folder per stage): `media` (probe, sampled decode) -> `measure` (time series) ->
`judge` (checks -> findings) -> `report` (text, JSON).
"""

from .api import analyze, analyze_many
from .errors import AnalysisError
from .model import Finding, Report
from .options import OptionError

__version__ = "0.1.0"
__all__ = ["analyze", "analyze_many", "AnalysisError", "Finding", "OptionError", "Report", "__version__"]
