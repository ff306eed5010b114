"""The demo's outbox: the e-mails Django's file backend wrote instead of sending them.

With DEBUG and the file backend (the demo) no e-mail leaves the machine; each batch
of messages goes into a file under EMAIL_FILE_PATH, every message followed by a line
of 79 dashes. The outbox page lists them newest first so that a person trying the
demo can follow a confirmation or password link. Reading is bounded: only the newest
files, only the start of each, only so many messages, each body cut to a length.
"""

import email
import email.policy
import heapq
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
NEWEST_FILES = 100
LARGEST_FILE_READ = 1024 * 1024  # bytes read from one file
SHOWN_MESSAGES = 50
LONGEST_BODY = 20_000  # characters shown of one message


@dataclass(frozen=True)
class OutboxMessage:
    subject: str
    recipients: str
    sent_at: datetime
    body: str
    truncated: bool


def is_enabled() -> bool:
    """Only in debug mode with the file backend: elsewhere real mail is private."""
    return (
        settings.DEBUG
        and settings.EMAIL_BACKEND == FILE_BACKEND
        and bool(getattr(settings, "EMAIL_FILE_PATH", None))
    )


def folder() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def newest_messages(directory: Path | None = None, limit: int = SHOWN_MESSAGES):
    """Up to ``limit`` messages from the newest files in ``directory``, newest first."""
    directory = directory or folder()
    try:
        with os.scandir(directory) as entries:
            files = heapq.nlargest(
                NEWEST_FILES,
                (entry for entry in entries if entry.is_file(follow_symlinks=False)),
                key=_modified,
            )
    except (FileNotFoundError, NotADirectoryError):
        return []
    messages = []
    for entry in files:
        try:
            with Path(entry.path).open("rb") as handle:
                data = handle.read(LARGEST_FILE_READ)
        except OSError:
            continue
        fallback_time = datetime.fromtimestamp(_modified(entry), tz=UTC)
        for raw in reversed(data.split(SEPARATOR)):  # later in a file is newer
            if raw.strip():
                messages.append(parse(raw, fallback_time))
    messages.sort(key=lambda message: message.sent_at, reverse=True)
    return messages[:limit]


def _modified(entry) -> float:
    try:
        return entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def parse(raw: bytes, fallback_time: datetime) -> OutboxMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        sent_at = parsedate_to_datetime(str(message["Date"]))
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        sent_at = fallback_time
    body = ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None:
            body = part.get_content()
    except (KeyError, LookupError, ValueError, AttributeError):
        body = ""
    if not body and not message.is_multipart():
        body = raw.decode("utf-8", "replace")
    return OutboxMessage(
        subject=str(message["Subject"] or "(no subject)"),
        recipients=str(message["To"] or "(no recipient)"),
        sent_at=sent_at,
        body=body[:LONGEST_BODY],
        truncated=len(body) > LONGEST_BODY,
    )
