"""Progress lines and end-of-run reports for the import commands."""

import sys
import time
from collections import Counter

from precis.papers.services import ImportReport


class Progress:
    """Prints "N records, R records/s" as batches finish: in place on a terminal, else a line
    at most every ``every_seconds``."""

    def __init__(self, stream=None, *, label: str = "records", every_seconds: float = 5.0):
        self.stream = stream or sys.stderr
        self.label = label
        self.every_seconds = every_seconds
        self.started = time.monotonic()
        self.last_line = 0.0
        self.count = 0
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.count / elapsed if elapsed > 0 else 0.0

    def advance(self, report: ImportReport, *, extra: str = "") -> None:
        self.count += report.total
        now = time.monotonic()
        if not self.interactive and now - self.last_line < self.every_seconds:
            return
        self.last_line = now
        line = f"{self.count:,} {self.label}, {self.rate:,.0f}/s{extra}"
        if self.interactive:
            self.stream.write(f"\r{line}\033[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\n")


def report_lines(report: ImportReport, *, seconds: float, max_reasons: int = 20) -> list[str]:
    """The closing report: counts, speed, and why items were skipped (most common first)."""
    rate = report.total / seconds if seconds > 0 else 0.0
    lines = [f"{report.summary()} — {report.total:,} records in {seconds:.1f} s ({rate:,.0f}/s)."]
    if report.skipped:
        reasons = Counter(reason for _, reason in report.skipped)
        lines.append("Skipped:")
        for reason, count in reasons.most_common(max_reasons):
            example = next(ref for ref, why in report.skipped if why == reason)
            lines.append(f"  {count:>6} × {reason} (e.g. {example})")
        if len(reasons) > max_reasons:
            lines.append(f"  … and {len(reasons) - max_reasons} other reasons")
    if report.trimmed:
        lines.append("Imported without some over-long parts:")
        for ref, what in report.trimmed[:max_reasons]:
            lines.append(f"  {ref}: {what}")
        if len(report.trimmed) > max_reasons:
            lines.append(f"  … and {len(report.trimmed) - max_reasons} more")
    return lines
