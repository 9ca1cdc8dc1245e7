from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def notification_title(notification) -> str:
    """The notification's e-mail subject, rendered in the viewer's language."""
    context = {**notification.context, "recipient": notification.recipient}
    return " ".join(render_to_string(f"{notification.template}_subject.txt", context).split())
