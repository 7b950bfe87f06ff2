"""Reading a result: matplotlib plots for notebooks and a self-contained HTML report.

The plots need the optional dependency matplotlib (``pip install 'coordnet[report]'``); the HTML
report draws its figures as inline SVG and needs nothing beyond coordnet itself.
"""

from .html import render_report, write_report
from .plots import plot_hours, plot_network, plot_scores, plot_timeline

__all__ = ["plot_hours", "plot_network", "plot_scores", "plot_timeline", "render_report", "write_report"]
