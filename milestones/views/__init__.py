"""Milestone pages, by object: the plan (and its change requests), one milestone (its steps
and evidence), and results (achievement ratings, indicator measurements).

Each POST view loads through an access helper, validates a form, calls one service, then
redirects (plain POST) or answers with the changed fragment (HTMX)."""
