"""``aws://[profile@]region[,region...]``: which account (profile) and regions to read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["SCHEME", "AccountTarget", "is_account_target", "parse_target"]

SCHEME: Final = "aws://"
_REGION: Final = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_PROFILE: Final = re.compile(r"^[A-Za-z0-9_.+=,@-]+$")


@dataclass(frozen=True, slots=True)
class AccountTarget:
    """What to read: a named profile (None: the default credential chain) and regions."""

    profile: str | None
    regions: tuple[str, ...]
    text: str


def is_account_target(text: str) -> bool:
    """True when ``text`` names an account rather than a folder."""
    return text.startswith(SCHEME)


def parse_target(text: str) -> AccountTarget:
    """Parse ``aws://[profile@]region[,region...]``.

    Raises:
        ValueError: the target is malformed; the message says what is expected.
    """
    rest = text[len(SCHEME) :] if is_account_target(text) else text
    profile: str | None = None
    if "@" in rest:
        profile, rest = rest.rsplit("@", 1)
        if not _PROFILE.match(profile):
            raise ValueError(f"{text}: profile name {profile!r} is not valid")
    regions = tuple(dict.fromkeys(r.strip() for r in rest.split(",") if r.strip()))
    if not regions:
        raise ValueError(f"{text}: name at least one region: aws://[profile@]region[,region...]")
    bad = [r for r in regions if not _REGION.match(r)]
    if bad:
        raise ValueError(f"{text}: not a region: {', '.join(bad)} (expected e.g. us-east-1)")
    return AccountTarget(profile=profile, regions=regions, text=text)
