"""The finding taxonomy: the stable category names every finding belongs to.

Categories are part of the public contract (CI dashboards group and filter on them): names are
added, never renamed or removed. ``docs/taxonomy.md`` is checked against this table by a test.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = ["CATEGORIES", "FAMILIES", "is_category"]

#: Every category with a one-line description, grouped by family (the part before the dot).
CATEGORIES: Final = MappingProxyType(
    {
        "permissions.wildcard-action": "A policy allows every action of a service or of AWS.",
        "permissions.wildcard-resource": "A policy allows actions on every resource.",
        "permissions.admin": "A role holds administrator access.",
        "permissions.privilege-escalation": "A role can raise its own or another's privileges.",
        "permissions.shared-role": "Several functions share one role and each inherits the sum.",
        "permissions.unused-grant": "A role allows actions the function's code never uses.",
        "permissions.data-exfiltration": "A role can read data out of stores in bulk.",
        "permissions.resource-exposure": "A role can make a resource public or shared.",
        "permissions.credentials-exposure": "A role can mint or read credentials.",
        "permissions.unknown-action": "A policy names an action that does not exist.",
        "permissions.invalid-policy": "A policy statement is malformed; IAM rejects it.",
        "permissions.unknown-policy": "A role attaches a policy whose document cannot be read.",
        "code.command-injection": "Event data reaches a shell or process call.",
        "code.sql-injection": "Event data reaches a SQL query string.",
        "code.nosql-injection": "Event data reaches a NoSQL query or expression.",
        "code.code-injection": "Event data reaches eval, exec or a dynamic import.",
        "code.template-injection": "Event data reaches a template compiled at run time.",
        "code.path-traversal": "Event data reaches a file path.",
        "code.xss": "Event data reaches HTML output unescaped.",
        "code.deserialization": "Event data reaches an unsafe deserializer.",
        "code.ssrf": "Event data decides where an outbound request goes.",
        "code.xxe": "Event data reaches an XML parser that resolves external entities.",
        "dependencies.vulnerable": "A shipped library has a known vulnerability.",
        "dependencies.unpinned": "A dependency is not pinned to an exact version.",
        "data.hardcoded-secret": "A secret is written in a template, variable or code.",
        "data.unencrypted-store": "A store, cache, queue or topic is not encrypted.",
        "data.no-ttl": "Session or cache data is kept without expiry.",
        "data.plaintext-transit": "Data can travel to or from a store unencrypted.",
        "third-party.tls-verify-disabled": "An outbound call turns off TLS verification.",
        "third-party.plaintext-http": "An outbound call uses plain HTTP.",
        "third-party.unvalidated-response": "A third party's response is used unvalidated.",
        "surface.unauthenticated-trigger": "An internet-facing trigger needs no authentication.",
        "surface.public-function-url": "A function URL anyone can call (AuthType NONE).",
        "surface.public-resource-policy": "Anyone, or any account's resource, may invoke.",
        "surface.cors-wildcard": "CORS allows any origin.",
        "surface.no-input-validation": "A handler uses event data without validating it.",
        "surface.weak-authentication": "Users sign in or sign up in ways that are easy to abuse.",
        "availability.no-concurrency-limit": "An internet-facing function has no concurrency cap.",
        "availability.timeout-exceeds-trigger": "The timeout does not fit its trigger's limits.",
        "availability.no-dlq": "Failed asynchronous events are dropped.",
        "availability.no-throttling": "An API stage has no throttling.",
        "availability.poison-record-stall": "One failing record can stall an ordered source.",
        "availability.denial-of-wallet": "Anyone can run up a large bill by flooding a function.",
        "availability.recursive-loop": "A function can write to what triggers it, in a loop.",
        "availability.no-cost-alarm": "No budget or usage alarm would notice a costly flood.",
        "platform.deprecated-runtime": "The runtime is deprecated or soon will be.",
        "platform.no-tracing": "Active tracing is off.",
        "platform.no-log-retention": "Logs are kept forever (no retention set).",
        "sprawl.unused-function": "Nothing triggers or references the function.",
        "sprawl.undocumented": "The function has no description and no README.",
        "sprawl.naming": "The function's name breaks the naming convention.",
        "sprawl.drift": "The deployed account differs from the templates.",
        "sprawl.unused-role": "A role made for Lambda is used by no function.",
        "tool.parse-error": "A file could not be read or parsed.",
        "tool.reference-outside-root": "A file reference points outside the scan root.",
        "tool.rule-crashed": "A rule failed on this input; the scan went on.",
        "tool.budget-exceeded": "A size or work budget was reached; part was not analysed.",
    }
)

#: Family names in report order.
FAMILIES: Final = (
    "permissions",
    "code",
    "dependencies",
    "data",
    "third-party",
    "surface",
    "availability",
    "platform",
    "sprawl",
    "tool",
)


def is_category(name: str) -> bool:
    """Return True when ``name`` is a documented category."""
    return name in CATEGORIES
