"""The executive report: a period of the organisation's portfolio as one HTML file or a PDF."""
