# Every minute, a tick on usage-report-tick wakes report-usage (function.tf), which drains the
# usage outbox into Stripe Billing Meter events. A missed or failed tick costs nothing: the outbox
# keeps the usage and the next tick reports it (meter event identifiers dedupe any resend).
resource "google_cloud_scheduler_job" "usage_report_tick" {
  name        = "usage-report-tick"
  region      = var.region
  description = "Drain the usage outbox to Stripe Billing Meters."
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"

  retry_config {
    retry_count = 0 # the next tick is the retry
  }

  pubsub_target {
    topic_name = google_pubsub_topic.usage_report_tick.id
    data       = base64encode("{\"source\":\"cloud-scheduler\"}") # functions-framework ignores an empty body
  }

  depends_on = [google_project_service.apis]
}
