# Alerting: what needs a person, and who is told. What each alert means and what to do about it:
# infra/README.md, "Alerts and what to do" (linked from every policy's documentation).
#
# Five policies, each for a way events, usage or money can go wrong without anyone looking:
#   error_logs          any ERROR entry from one of our deployables: the applier dead-lettered an
#                       event, a usage report was rejected or expired, units were lost at shutdown,
#                       a publish failed, a 5xx or a crash (Cloud Run logs those at ERROR itself);
#   refused_deliveries  the webhook refused a signed-looking Stripe delivery (wrong signing secret,
#                       wrong livemode): Stripe keeps retrying, but nothing is applied until fixed;
#   dead_letters        messages wait in the dead-letter subscription (also those Pub/Sub moved
#                       there after the retries ran out, which log only warnings on the way);
#   applier_backlog     the oldest unapplied event is older than applier_backlog_alert_seconds:
#                       access control is reading stale billing state;
#   usage_reporting_stopped  no usage report run finished for 15 minutes (a paused scheduler, a
#                       function that cannot start): nothing errs, but metered usage goes unbilled
#                       and is lost past Stripe's 35-day window.
# The policies exist whether or not alert_emails is set; without channels their incidents show
# in the console (Monitoring > Alerting) and notify nobody.

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  display_name = "Billing alerts: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }

  depends_on = [google_project_service.apis]
}

locals {
  alert_channels = [for channel in google_monitoring_notification_channel.email : channel.id]
  alert_runbook  = "What it means and what to do: infra/README.md, \"Alerts and what to do\"."

  # Every deployable that writes our JSON logs. Cloud Run functions (2nd gen) are Cloud Run
  # services named after the function, so one resource type covers all four.
  logging_services = [
    google_cloud_run_v2_service.webhook.name,
    google_cloud_run_v2_service.app.name,
    google_cloudfunctions2_function.apply_stripe_event.name,
    google_cloudfunctions2_function.report_usage.name,
  ]
  logging_services_filter = join(" OR ", [for name in local.logging_services : "\"${name}\""])

  # The webhook's log events for a delivery it refused (services/webhook/src/receive-stripe-event.ts).
  # webhook.signature_missing is left out on purpose: anyone can POST to a public URL without a
  # Stripe-Signature header, and Stripe always sends one.
  refused_delivery_events        = ["webhook.signature_invalid", "webhook.payload_invalid", "webhook.livemode_mismatch", "webhook.api_version_unsupported"]
  refused_delivery_events_filter = join(" OR ", [for event in local.refused_delivery_events : "\"${event}\""])
}

resource "google_monitoring_alert_policy" "error_logs" {
  display_name = "Billing: ERROR logged"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "An ERROR entry from webhook, app, apply-stripe-event or report-usage"
    condition_matched_log {
      filter = <<-EOT
        resource.type="cloud_run_revision"
        resource.labels.service_name=(${local.logging_services_filter})
        severity>=ERROR
      EOT
      label_extractors = {
        event   = "EXTRACT(jsonPayload.event)"
        service = "EXTRACT(resource.labels.service_name)"
      }
    }
  }

  # Log-match conditions must be rate limited; one notification per service and event name per
  # rate-limit period, however many entries match.
  alert_strategy {
    notification_rate_limit {
      period = "300s"
    }
    auto_close = "1800s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: $${log.extracted_label.event} logged at ERROR by $${log.extracted_label.service}"
    content   = "`$${log.extracted_label.service}` logged `$${log.extracted_label.event}` at ERROR (no event name: a 5xx request, a crash or a timeout reported by Cloud Run itself). ${local.alert_runbook}"
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "refused_deliveries" {
  display_name = "Billing: Stripe deliveries refused by the webhook"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "The webhook refused a signed Stripe delivery"
    condition_matched_log {
      filter = <<-EOT
        resource.type="cloud_run_revision"
        resource.labels.service_name="${google_cloud_run_v2_service.webhook.name}"
        jsonPayload.event=(${local.refused_delivery_events_filter})
      EOT
      label_extractors = {
        event = "EXTRACT(jsonPayload.event)"
      }
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "900s"
    }
    auto_close = "3600s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: the webhook refuses Stripe deliveries ($${log.extracted_label.event})"
    content   = "The webhook answered 400 to a Stripe delivery (`$${log.extracted_label.event}`). Stripe retries for up to 3 days, but no event is applied until the cause (usually the signing secret or the livemode setting) is fixed. ${local.alert_runbook}"
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name = "Billing: Stripe events waiting in the dead-letter subscription"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "Undelivered messages on ${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  # Open until the dead letters are replayed (or acknowledged as unwanted).
  alert_strategy {
    auto_close = "604800s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: Stripe events are waiting in the dead-letter subscription"
    content   = "Events that could not be applied wait in `${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}` (kept 7 days). Fix the cause, then `npm run ops -- replay-dead-letters`. ${local.alert_runbook}"
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "applier_backlog" {
  display_name = "Billing: Stripe events not applied in time"
  combiner     = "OR"
  severity     = "WARNING"

  conditions {
    display_name = "Oldest unacknowledged message on ${google_pubsub_subscription.stripe_events_applier.name}"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.stripe_events_applier.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.applier_backlog_alert_seconds
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: Stripe events are not being applied"
    content   = "The oldest event on `${google_pubsub_subscription.stripe_events_applier.name}` has waited more than ${var.applier_backlog_alert_seconds} s: access control reads stale billing state until it is applied. ${local.alert_runbook}"
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

resource "google_monitoring_alert_policy" "usage_reporting_stopped" {
  display_name = "Billing: usage reporting stopped"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "No finished usage report run for 15 minutes"
    condition_absent {
      filter   = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.usage_report_runs.name}\""
      duration = "900s"
      # Summed over revisions: a new deployment's revision takes over the series.
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: usage reporting to Stripe has stopped"
    content   = "`${google_cloudfunctions2_function.report_usage.name}` has not finished a run for 15 minutes. Metered usage waits in the outbox and is sent once runs resume, but usage older than 35 days can no longer be billed. ${local.alert_runbook}"
  }

  depends_on = [google_project_service.apis]
}
