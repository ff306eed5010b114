"""``{% readerhole kind arg… %}…{% endreaderhole %}``: a part of a page that differs
between signed-in readers only by their own state (precis/core/readerpages.py).

Rendered for a reader, the body renders as if the tag were not there. Rendered for
the shared copy, the body renders once per state of ``kind`` and the copy keeps them
all; each reader then gets the one their state picks. The key is the arguments,
joined by ":" (``{% readerhole "follow" "paper" paper.pk %}`` → "paper:12").
"""

from django import template

from precis.core import readerpages

register = template.Library()


class ReaderHoleNode(template.Node):
    def __init__(self, kind: str, args, nodelist):
        self.kind, self.args, self.nodelist = kind, args, nodelist

    def render(self, context):
        request = context.get("request")
        recorder = getattr(request, "reader_holes", None)
        if recorder is None:
            return self.nodelist.render(context)
        hole = readerpages.HOLES[self.kind]
        key = ":".join(str(arg.resolve(context)) for arg in self.args)
        variants = []
        for state in hole.variants:
            with hole.render_as(context, state):
                variants.append(self.nodelist.render(context))
        return recorder.add(self.kind, key, variants)


@register.tag
def readerhole(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("readerhole needs a kind")
    kind = bits[1].strip("\"'")
    if kind not in readerpages.HOLES:
        raise template.TemplateSyntaxError(f"readerhole: unknown kind {kind!r}")
    args = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endreaderhole",))
    parser.delete_first_token()
    return ReaderHoleNode(kind, args, nodelist)
