"""Measurement in the product: the engine's metrics per workspace, stored and refreshed in the
background, and the pages, alerts and API that show them (DESIGN.md, `measure/`)."""
