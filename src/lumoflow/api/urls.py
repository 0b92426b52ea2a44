"""Mount every router on the one API object."""

from __future__ import annotations

from . import (
    alerts,
    conversation,
    insights,
    knowledge,
    measure,
    measurements,
    org,
    people,
    search,
    workspaces,
)
from .base import api

__all__ = ["api", "urlpatterns"]

api.add_router("", people.router)
api.add_router("", workspaces.router)
api.add_router("", conversation.router)
api.add_router("", knowledge.router)
api.add_router("", alerts.router)
api.add_router("", measure.router)
api.add_router("", insights.router)
api.add_router("", search.router)
api.add_router("", org.router)
api.add_router("", measurements.router)

urlpatterns = api.urls
