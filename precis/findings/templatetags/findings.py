"""The paper page's Findings section and the header's code and data links.

Inclusion tags, so the paper page shows findings with one ``{% include %}``-like line
and the papers app's view stays as it is (the feeds app's ``paper_activity`` does
the same). Each costs a fixed number of queries.
"""

from django import template

from precis.findings.models import Finding

register = template.Library()

FINDINGS_ON_PAPER_PAGE = 10
LINKS_IN_HEADER = 3


@register.inclusion_tag("findings/_section.html", takes_context=True)
def findings_section(context, paper) -> dict:
    """The paper's public findings, open ones first, less those of people the reader
    muted; one query, and a count when there are more than fit.

    Not the reader's own held or hidden ones (their finding's page and the paper's list
    of findings show them): signed-in readers may share one copy of the paper page
    (core/readerpages.py), and this section must be the same for each of them.
    """
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    listed = Finding.objects.visible().excluding_muted_by(user).filter(paper=paper)
    findings = list(listed.for_listing().open_first()[: FINDINGS_ON_PAPER_PAGE + 1])
    more = len(findings) > FINDINGS_ON_PAPER_PAGE
    return {
        "paper": paper,
        "findings": findings[:FINDINGS_ON_PAPER_PAGE],
        "total": listed.count() if more else len(findings),
        "more": more,
        "user": user,
        "request": request,
        "is_moderator": context.get("is_moderator"),
    }


@register.inclusion_tag("findings/_header_links.html")
def findings_links(paper) -> dict:
    """Code and data links for the paper's header, the same for every reader (the header
    is cached for everyone): public ones only, oldest first, at most three."""
    links = list(
        Finding.objects.links()
        .filter(paper=paper)
        .order_by("created_at", "pk")
        .values_list("pk", "title", "link_url")[:LINKS_IN_HEADER]
    )
    return {"links": links}
