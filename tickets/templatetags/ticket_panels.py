"""{% show_panel panel %}: another app's panel, rendered inside the ticket page's own context."""

from django import template
from django.utils.safestring import SafeString

from ..panels import ShownPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def show_panel(context: template.Context, panel: ShownPanel) -> SafeString:
    """The panel's template with its context on top of the page's: the page's context processors,
    request and csrf token are already there, so nothing is set up again for each panel."""
    assert context.template is not None, "show_panel is used inside a template"
    shown = context.template.engine.get_template(panel.template)
    with context.push(panel.context):
        return shown.render(context)
