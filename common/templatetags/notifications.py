from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def notification_title(notification) -> str:
    """Render the notification's e-mail subject in the active language, as its title."""
    context = {**notification.context, "recipient": notification.recipient}
    return " ".join(render_to_string(f"{notification.template}_subject.txt", context).split())
