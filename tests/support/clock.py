"""The test session's date, which every test server's clock is pinned to.

Tests name dates relative to "today" when their module is imported; a suite that runs
across midnight UTC would otherwise send yesterday's date to a server already in
tomorrow (CI met it: a session logged before its mentorship started).
"""

from datetime import UTC, date, datetime

TODAY: date = datetime.now(UTC).date()


def today() -> date:
    return TODAY
