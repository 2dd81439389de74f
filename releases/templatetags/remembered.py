"""`{% remembered name part … %}…{% endremembered %}`: a rendered fragment kept like the archive's
counts (releases.cache.remembered): the site's generation is part of its key, so any save renews
it; it lives at most COUNTS_CACHE_SECONDS and never past the next moment at which the site
changes by itself (an embargo ends, an image's rights end). The key is the name and the parts, so
the parts must name everything the fragment shows besides what only a save can change.

An empty name renders without keeping: `{% remembered fragment_key %}` with fragment_key None
(a form with errors) is just rendered.

    {% remembered "card" release.pk level release.search_snippet %}…{% endremembered %}
"""

from django import template

from ..cache import remembered

register = template.Library()


class RememberedNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        if not parts[0]:
            return self.nodelist.render(context)
        return remembered(repr(["fragment", *parts]), lambda: self.nodelist.render(context))


@register.tag("remembered")
def do_remembered(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% remembered %} needs a name.")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])
