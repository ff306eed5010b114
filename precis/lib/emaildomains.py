"""Throw-away e-mail services, from the maintained ``disposable-email-domains`` list.

Used by the sign-up form (such addresses are refused) and by the spam rules (an
older account that moved to one counts against its posts). The list is a PyPI
package; upgrading it is a version bump in requirements.txt and constraints.txt.
"""

from disposable_email_domains import allowlist, blocklist


def disposable_domain(address: str) -> str:
    """The throw-away domain ``address`` is at ("mailinator.com"), or "" if it is not.

    Subdomains count ("x.mailinator.com"), except where the list's own allowlist
    names the domain.
    """
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain or domain in allowlist:
        return ""
    labels = domain.split(".")
    for start in range(len(labels) - 1):  # "a.b.example.com", "b.example.com", "example.com"
        candidate = ".".join(labels[start:])
        if candidate in allowlist:
            return ""
        if candidate in blocklist:
            return candidate
    return ""
