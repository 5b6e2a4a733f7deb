# The "Billing" dashboard (Monitoring > Dashboards): the Stripe events pipeline from delivery to
# applied, the app's latency and errors, and usage reporting. Counts and the apply lag come from
# the log-based metrics (log_metrics.tf); latency, request and Pub/Sub figures from Cloud Run's and
# Pub/Sub's own metrics.

locals {
  user_metric = "metric.type=\"logging.googleapis.com/user/%s\" resource.type=\"cloud_run_revision\""
  run_metric  = "metric.type=\"run.googleapis.com/%s\" resource.type=\"cloud_run_revision\" resource.label.\"service_name\"=\"%s\""
  sub_metric  = "metric.type=\"pubsub.googleapis.com/subscription/%s\" resource.type=\"pubsub_subscription\" resource.label.\"subscription_id\"=\"%s\""

  # One line chart per entry, two per row. aligner/reducer/group_by are Cloud Monitoring's
  # aggregation of the series (rates per second for counts, the 99th percentile for latencies).
  dashboard_charts = [
    {
      title    = "Stripe events received by the webhook, by outcome (/s)"
      filter   = format(local.user_metric, google_logging_metric.stripe_webhook_deliveries.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = ["metric.label.\"event\""]
    },
    {
      title    = "Stripe events applied, by outcome (/s)"
      filter   = format(local.user_metric, google_logging_metric.stripe_events_processed.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = ["metric.label.\"outcome\""]
    },
    {
      title    = "Stripe events dead-lettered and deliveries retried (/s)"
      filter   = format(local.user_metric, google_logging_metric.stripe_events_failed.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = ["metric.label.\"event\""]
    },
    {
      title    = "Stripe events waiting in the dead-letter subscription"
      filter   = format(local.sub_metric, "num_undelivered_messages", google_pubsub_subscription.stripe_events_dead_letter_inspect.name)
      aligner  = "ALIGN_MAX"
      reducer  = "REDUCE_MAX"
      group_by = []
    },
    {
      title    = "Apply lag: Stripe event created to applied, p99 (ms; SLO: ${var.event_applied_slo_ms} ms)"
      filter   = format(local.user_metric, google_logging_metric.stripe_event_apply_lag.name)
      aligner  = "ALIGN_DELTA"
      reducer  = "REDUCE_PERCENTILE_99"
      group_by = []
    },
    {
      title    = "Our share of it: published to Pub/Sub to applied, p99 (ms)"
      filter   = format(local.user_metric, google_logging_metric.stripe_event_publish_lag.name)
      aligner  = "ALIGN_DELTA"
      reducer  = "REDUCE_PERCENTILE_99"
      group_by = []
    },
    {
      title    = "Backlog: age of the oldest Stripe event not yet applied (s)"
      filter   = format(local.sub_metric, "oldest_unacked_message_age", google_pubsub_subscription.stripe_events_applier.name)
      aligner  = "ALIGN_MAX"
      reducer  = "REDUCE_MAX"
      group_by = []
    },
    {
      title    = "Apply latency per delivery, p99 (ms)"
      filter   = format(local.run_metric, "request_latencies", google_cloudfunctions2_function.apply_stripe_event.name)
      aligner  = "ALIGN_DELTA"
      reducer  = "REDUCE_PERCENTILE_99"
      group_by = []
    },
    {
      title    = "App latency, p99 (ms)"
      filter   = format(local.run_metric, "request_latencies", google_cloud_run_v2_service.app.name)
      aligner  = "ALIGN_DELTA"
      reducer  = "REDUCE_PERCENTILE_99"
      group_by = []
    },
    {
      title    = "App requests by status class (/s)"
      filter   = format(local.run_metric, "request_count", google_cloud_run_v2_service.app.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = ["metric.label.\"response_code_class\""]
    },
    {
      title    = "ERROR entries by service and event (/s)"
      filter   = format(local.user_metric, google_logging_metric.error_entries.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = ["metric.label.\"service\"", "metric.label.\"event\""]
    },
    {
      title    = "Usage reported to Stripe: meter events by outcome (/s)"
      filter   = format(local.user_metric, google_logging_metric.usage_meter_events.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = ["metric.label.\"event\""]
    },
    {
      title    = "Usage report runs finished (/s; one a minute when healthy)"
      filter   = format(local.user_metric, google_logging_metric.usage_report_runs.name)
      aligner  = "ALIGN_RATE"
      reducer  = "REDUCE_SUM"
      group_by = []
    },
    {
      title    = "Webhook ${local.health_path} uptime check: share of checks passed"
      filter   = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" resource.type=\"uptime_url\" metric.label.\"check_id\"=\"${google_monitoring_uptime_check_config.webhook_health.uptime_check_id}\""
      aligner  = "ALIGN_FRACTION_TRUE"
      reducer  = "REDUCE_MEAN"
      group_by = []
    },
  ]
}

resource "google_monitoring_dashboard" "billing" {
  dashboard_json = jsonencode({
    displayName = "Billing"
    mosaicLayout = {
      columns = 48
      tiles = [for i, chart in local.dashboard_charts : {
        xPos   = (i % 2) * 24
        yPos   = floor(i / 2) * 16
        width  = 24
        height = 16
        widget = {
          title = chart.title
          xyChart = {
            dataSets = [{
              plotType   = "LINE"
              targetAxis = "Y1"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = chart.filter
                  aggregation = {
                    alignmentPeriod    = "60s"
                    perSeriesAligner   = chart.aligner
                    crossSeriesReducer = chart.reducer
                    groupByFields      = chart.group_by
                  }
                }
              }
            }]
          }
        }
      }]
    }
  })

  depends_on = [google_project_service.apis]
}
