"""The report events that find their people: a build finished or failed reaches its requester
(chidao.core.notifications), with a link to the file or to the program's reports page."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chidao.core.models import NotificationKind
from chidao.core.notifications import Event, notify
from chidao.programs.models import Program

from .models import ReportJob


def report_job_notify(*, job: ReportJob) -> None:
    """Inside the transaction that records the job done or failed: one notification to the requester, once per
    job and outcome (a retried task or a second sweep adds none), if they may still see the program."""
    with translation.override(settings.LANGUAGE_CODE):
        what = _("%(kind)s Chương trình số %(number)s, tệp %(format)s") % {
            "kind": job.get_kind_display(), "number": job.program.number, "format": job.get_format_display()}
        requested = timezone.localtime(job.requested_at).strftime("%d/%m/%Y %H:%M")
        if job.state == ReportJob.State.DONE:
            subject = _("Báo cáo đã lập xong: %(what)s") % {"what": what}
            body = _("Báo cáo %(what)s yêu cầu lúc %(at)s đã lập xong; mở liên kết để tải về.") % {
                "what": what, "at": requested}
            link = reverse("report_download", kwargs={"pk": job.pk})
        else:
            subject = _("Không lập được báo cáo: %(what)s") % {"what": what}
            body = "\n".join([
                _("Báo cáo %(what)s yêu cầu lúc %(at)s không lập được.") % {"what": what, "at": requested},
                _("Lý do: %(message)s") % {"message": job.message},
                _("Có thể yêu cầu lập lại trên trang báo cáo của chương trình."),
            ])
            link = reverse("program_reports", kwargs={"pk": job.program_id})
    event = Event(kind=NotificationKind.REPORT_FINISHED, key=f"report:{job.pk}:{job.state}", subject=subject,
                  body=body, link=link)
    notify(event=event, recipients=[job.requested_by],
           in_scope=lambda user: Program.objects.visible_to(user).filter(pk=job.program_id).exists())
