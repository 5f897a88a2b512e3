from __future__ import annotations

from tests.authz import project_action

# The world's project is a draft: coach and mentor may sign, but nothing awaits sign-off (302 back
# to the project with a message); everyone else in scope is refused.
ROWS = [
    project_action("mentoring:approve-proposal", {"coach": 302, "mentor": 302}),
    project_action("mentoring:approve-report", {"coach": 302, "mentor": 302}),
]
