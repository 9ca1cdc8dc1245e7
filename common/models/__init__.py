from common.models.audit import TransitionLog
from common.models.documents import Document
from common.models.notifications import Notification

__all__ = ["Document", "Notification", "TransitionLog"]
