from __future__ import annotations

app_name = "milestones"

urlpatterns: list = []
