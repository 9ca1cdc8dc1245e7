from common.models.audit import TransitionLog
from common.models.documents import Document
from common.models.exports import ExportFormat, ExportJob, ExportState
from common.models.notifications import Notification

__all__ = ["Document", "ExportFormat", "ExportJob", "ExportState", "Notification", "TransitionLog"]
