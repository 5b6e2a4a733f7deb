# Log-based metrics: counts of the structured lines the code writes (the `event` field of
# shared/src/logging/logger.ts lines), and the distribution of the applier's apply lag, charted on
# the dashboard (dashboard.tf); usage_report_runs is alerted on and the apply lag is the SLO's
# measure (monitoring.tf). Each event name is quoted exactly as the code writes it;
# infra/monitoring.test.ts greps the deployed source for every one of them.

locals {
  # The webhook's outcome line for each delivery: its access line named webhook.event_published
  # when the event was published (services/webhook/src/receive-stripe-event.ts), or the line of the
  # reason it was refused or not accepted.
  webhook_delivery_events = ["webhook.event_published", "webhook.signature_missing", "webhook.signature_invalid", "webhook.payload_invalid", "webhook.livemode_mismatch", "webhook.api_version_unsupported", "webhook.publish_failed"]
  # One line per event the applier finished with (shared/src/billing/process-event-message.ts);
  # `outcome` says how: applied, duplicate, stale, ignored, unmapped, expired.
  applier_processed_events = ["stripe_event.applied", "stripe_event.customer_unmapped", "stripe_event.expired"]
  # Deliveries that failed: retried by Pub/Sub, or dead-lettered by the applier.
  applier_failed_events = ["stripe_event.retry", "stripe_event.dead_lettered"]
  # One line per meter event report-usage tried to send (shared/src/usage/reporting/send-usage-reports.ts).
  usage_report_events = ["usage_report.sent", "usage_report.retry_later", "usage_report.rejected", "usage_report.expired"]

  event_filter = {
    webhook_delivery_events  = join(" OR ", [for event in local.webhook_delivery_events : "\"${event}\""])
    applier_processed_events = join(" OR ", [for event in local.applier_processed_events : "\"${event}\""])
    applier_failed_events    = join(" OR ", [for event in local.applier_failed_events : "\"${event}\""])
    usage_report_events      = join(" OR ", [for event in local.usage_report_events : "\"${event}\""])
  }
}

# Events received: every Stripe delivery the webhook answered, by outcome (`event`).
resource "google_logging_metric" "stripe_webhook_deliveries" {
  name   = "stripe_webhook_deliveries"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloud_run_v2_service.webhook.name}"
    jsonPayload.event=(${local.event_filter.webhook_delivery_events})
  EOT

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "event"
      value_type = "STRING"
    }
  }
  label_extractors = {
    event = "EXTRACT(jsonPayload.event)"
  }

  depends_on = [google_project_service.apis]
}

# Events applied: every event the applier finished with, by `outcome` and Stripe event `type`.
resource "google_logging_metric" "stripe_events_processed" {
  name   = "stripe_events_processed"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloudfunctions2_function.apply_stripe_event.name}"
    jsonPayload.event=(${local.event_filter.applier_processed_events})
  EOT

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "outcome"
      value_type = "STRING"
    }
    labels {
      key        = "type"
      value_type = "STRING"
    }
  }
  label_extractors = {
    outcome = "EXTRACT(jsonPayload.outcome)"
    type    = "EXTRACT(jsonPayload.type)"
  }

  depends_on = [google_project_service.apis]
}

# Apply lag, end to end: how long after Stripe created an event the applier had applied it
# (`applyLagMs` of stripe_event.applied, shared/src/billing/process-event-message.ts), one value
# per event. The event-applied SLO (monitoring.tf) counts the events below its threshold from these
# buckets. Duplicate deliveries carry no lag (the event was applied earlier) and are left out.
locals {
  # Bucket bounds in ms, shared by both lag metrics. A distribution counts values per bucket, so
  # the SLO threshold (var.event_applied_slo_ms) must be one of them: checked on the SLO.
  apply_lag_bucket_bounds_ms = [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 45000, 60000, 120000, 300000, 600000, 1800000, 3600000, 21600000, 86400000]
}

resource "google_logging_metric" "stripe_event_apply_lag" {
  name   = "stripe_event_apply_lag"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloudfunctions2_function.apply_stripe_event.name}"
    jsonPayload.event="stripe_event.applied"
    jsonPayload.outcome!="duplicate"
  EOT

  value_extractor = "EXTRACT(jsonPayload.applyLagMs)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "ms"
  }
  bucket_options {
    explicit_buckets {
      bounds = local.apply_lag_bucket_bounds_ms
    }
  }

  depends_on = [google_project_service.apis]
}

# The same events, from the moment Pub/Sub accepted the webhook's publish (`publishLagMs`): our
# own share of the apply lag; the rest of stripe_event_apply_lag is Stripe's delivery and the webhook.
resource "google_logging_metric" "stripe_event_publish_lag" {
  name   = "stripe_event_publish_lag"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloudfunctions2_function.apply_stripe_event.name}"
    jsonPayload.event="stripe_event.applied"
    jsonPayload.outcome!="duplicate"
  EOT

  value_extractor = "EXTRACT(jsonPayload.publishLagMs)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "ms"
  }
  bucket_options {
    explicit_buckets {
      bounds = local.apply_lag_bucket_bounds_ms
    }
  }

  depends_on = [google_project_service.apis]
}

# Events dead-lettered (by the applier) and deliveries retried, by `event`.
resource "google_logging_metric" "stripe_events_failed" {
  name   = "stripe_events_failed"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloudfunctions2_function.apply_stripe_event.name}"
    jsonPayload.event=(${local.event_filter.applier_failed_events})
  EOT

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "event"
      value_type = "STRING"
    }
  }
  label_extractors = {
    event = "EXTRACT(jsonPayload.event)"
  }

  depends_on = [google_project_service.apis]
}

# Usage reported: meter events sent to Stripe (and those retried, rejected, expired), by `event`
# and meter (`eventName`).
resource "google_logging_metric" "usage_meter_events" {
  name   = "usage_meter_events"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloudfunctions2_function.report_usage.name}"
    jsonPayload.event=(${local.event_filter.usage_report_events})
  EOT

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "event"
      value_type = "STRING"
    }
    labels {
      key        = "meter"
      value_type = "STRING"
    }
  }
  label_extractors = {
    event = "EXTRACT(jsonPayload.event)"
    meter = "EXTRACT(jsonPayload.eventName)"
  }

  depends_on = [google_project_service.apis]
}

# One point per finished usage report run (report-usage logs `usage_report.run` at the end of
# every run, every minute, even when there was nothing to send).
resource "google_logging_metric" "usage_report_runs" {
  name   = "usage_report_runs"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name="${google_cloudfunctions2_function.report_usage.name}"
    jsonPayload.event="usage_report.run"
  EOT

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }

  depends_on = [google_project_service.apis]
}

# Every ERROR (or worse) entry of our deployables, by service and event: the dashboard's view of
# what used to page as "ERROR logged". Entries Cloud Run writes itself (a crash, a timeout) have no
# event and count under an empty one.
resource "google_logging_metric" "error_entries" {
  name   = "error_entries"
  filter = <<-EOT
    resource.type="cloud_run_revision"
    resource.labels.service_name=(${local.logging_services_filter})
    severity>=ERROR
  EOT

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "service"
      value_type = "STRING"
    }
    labels {
      key        = "event"
      value_type = "STRING"
    }
  }
  label_extractors = {
    service = "EXTRACT(resource.labels.service_name)"
    event   = "EXTRACT(jsonPayload.event)"
  }

  depends_on = [google_project_service.apis]
}
