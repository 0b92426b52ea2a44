"""LumoFlow: an enterprise social workspace built around business objectives."""

__version__ = "0.1.0"
