# Alerting: what needs a person, and who is told. What each alert means and what to do about it:
# infra/README.md, "Alerts and what to do" (linked from every policy's documentation).
#
# Every policy names a cause; none pages on "some ERROR line" (those are charted on the dashboard,
# dashboard.tf, and each ERROR event that needs a person is in one of the lists below):
#   log_events["refused_deliveries"]        the webhook refuses signed Stripe deliveries (secret, livemode, API version)
#   log_events["webhook_publish_failures"]  the webhook cannot publish to Pub/Sub: Stripe gets 5xx and retries
#   log_events["usage_report_failing"]      report-usage runs crash (the next tick retries; usage waits)
#   log_events["usage_not_billed"]          usage that will never be billed: rejected, too old, lost at shutdown
#   log_events["several_live_subscriptions"] a customer pays for two live subscriptions
#   log_events["deployable_cannot_start"]   a deployable refuses its configuration (config.invalid) and exits
#   webhook_unreachable                     the uptime check on the webhook's /health fails
#   http_5xx_rate["webhook"|"app"]          more than http_5xx_percent_alert % of a service's requests answer 5xx
#   dead_letters                            messages wait in the dead-letter subscription
#   applier_backlog                         apply lag: the oldest unapplied event is older than applier_backlog_alert_seconds
#   usage_reporting_stopped                 no usage report run finished for 15 minutes
# The policies exist whether or not alert_emails is set; without channels their incidents show
# in the console (Monitoring > Alerting) and notify nobody.
#
# Every log event name below is quoted exactly as the code writes it in its `event` field;
# infra/terraform.test.ts greps the deployed source for each, so renaming an event fails the test.

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

  # Alerts on log events: one policy per cause, each matching the events (jsonPayload.event) that
  # mean that cause, from the services that write them. A log-match policy notifies at most once
  # per rate_limit per distinct event, however many entries match.
  log_event_alerts = {
    # webhook.signature_missing is left out on purpose: anyone can POST to a public URL without a
    # Stripe-Signature header, and Stripe always sends one (services/webhook/src/receive-stripe-event.ts).
    refused_deliveries = {
      title      = "Stripe deliveries refused by the webhook"
      severity   = "CRITICAL"
      services   = [google_cloud_run_v2_service.webhook.name]
      events     = ["webhook.signature_invalid", "webhook.payload_invalid", "webhook.livemode_mismatch", "webhook.api_version_unsupported"]
      rate_limit = "900s"
      auto_close = "3600s"
      content    = "The webhook answered 400 to a Stripe delivery (`$${log.extracted_label.event}`). Stripe retries for up to 3 days, but no event is applied until the cause (the signing secret, the livemode setting or the endpoint's API version) is fixed."
    }
    webhook_publish_failures = {
      title      = "Stripe events not accepted: the webhook cannot publish to Pub/Sub"
      severity   = "CRITICAL"
      services   = [google_cloud_run_v2_service.webhook.name]
      events     = ["webhook.publish_failed"]
      rate_limit = "300s"
      auto_close = "1800s"
      content    = "Pub/Sub did not acknowledge a publish (`$${log.extracted_label.event}`): the webhook answered 5xx and Stripe will retry. Nothing is lost while Stripe retries (3 days in live mode), but no event reaches the applier until publishing works again."
    }
    usage_report_failing = {
      title      = "Usage reporter failing"
      severity   = "ERROR"
      services   = [google_cloudfunctions2_function.report_usage.name]
      events     = ["usage_report.run_failed"]
      rate_limit = "900s"
      auto_close = "3600s"
      content    = "A report-usage run crashed (`$${log.extracted_label.event}`); the usage stays in the outbox and the next tick, a minute later, retries. If it repeats, usage is not billed until it is fixed."
    }
    usage_not_billed = {
      title      = "Metered usage will not be billed"
      severity   = "ERROR"
      services   = [google_cloudfunctions2_function.report_usage.name, google_cloud_run_v2_service.app.name]
      events     = ["usage_report.rejected", "usage_report.expired", "usage.units_lost"]
      rate_limit = "3600s"
      auto_close = "86400s"
      content    = "`$${log.extracted_label.event}`: Stripe refused a meter event, usage older than Stripe's 35-day window was dropped, or an app instance shut down with units it could not write. That usage is not billed."
    }
    track_key_unrecorded = {
      title      = "Tracked usage whose idempotency key was not stored"
      severity   = "WARNING"
      services   = [google_cloud_run_v2_service.app.name]
      events     = ["service.track_outcome_unrecorded"]
      rate_limit = "3600s"
      auto_close = "86400s"
      content    = "A /v1/track call was answered and its units counted, but Firestore did not store its idempotency key's outcome (`$${log.extracted_label.event}`): a repeat of that key more than 30 s later would count the units again. Usually a Firestore outage."
    }
    several_live_subscriptions = {
      title      = "A customer pays for several live subscriptions"
      severity   = "WARNING"
      services   = [google_cloudfunctions2_function.apply_stripe_event.name, google_cloud_run_v2_service.app.name]
      events     = ["billing.several_live_subscriptions"]
      rate_limit = "3600s"
      auto_close = "86400s"
      content    = "A customer has two or more live subscriptions and is billed for each (`subscriptionIds` in the entry). Access follows the newest. Logged with each of the customer's events until one is cancelled."
    }
    deployable_cannot_start = {
      title      = "A deployable refuses its configuration and does not start"
      severity   = "CRITICAL"
      services   = local.logging_services
      events     = ["config.invalid"]
      rate_limit = "900s"
      auto_close = "3600s"
      content    = "`$${log.extracted_label.service}` exited at start with `$${log.extracted_label.event}`: `problems` in the entry names every bad variable (e.g. a Stripe key of the other mode than stripe_livemode). New instances cannot start until it is fixed."
    }
  }
}

resource "google_monitoring_alert_policy" "log_events" {
  for_each = local.log_event_alerts

  display_name = "Billing: ${each.value.title}"
  combiner     = "OR"
  severity     = each.value.severity

  conditions {
    display_name = each.value.title
    condition_matched_log {
      filter = <<-EOT
        resource.type="cloud_run_revision"
        resource.labels.service_name=(${join(" OR ", [for name in each.value.services : "\"${name}\""])})
        jsonPayload.event=(${join(" OR ", [for event in each.value.events : "\"${event}\""])})
      EOT
      label_extractors = {
        event   = "EXTRACT(jsonPayload.event)"
        service = "EXTRACT(resource.labels.service_name)"
      }
    }
  }

  # Log-match conditions must be rate limited.
  alert_strategy {
    notification_rate_limit {
      period = each.value.rate_limit
    }
    auto_close = each.value.auto_close
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: ${each.value.title} ($${log.extracted_label.event})"
    content   = "${each.value.content} ${local.alert_runbook}"
  }

  depends_on = [google_project_service.apis]
}

# This policy was a resource of its own before the log-event alerts became one map.
moved {
  from = google_monitoring_alert_policy.refused_deliveries
  to   = google_monitoring_alert_policy.log_events["refused_deliveries"]
}

# Stripe must reach the webhook: an uptime check on its /health (the path the service answers
# without touching a dependency, services/webhook/src/app.ts HEALTH_PATH) from several regions.
# The webhook keeps min_instances >= 1, so the check starts no instance.
resource "google_monitoring_uptime_check_config" "webhook_health" {
  display_name = "Billing: webhook ${local.health_path}"
  timeout      = "10s"
  period       = "60s"

  http_check {
    path           = local.health_path
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    request_method = "GET"
    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = trimprefix(google_cloud_run_v2_service.webhook.uri, "https://")
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "webhook_unreachable" {
  display_name = "Billing: Stripe cannot reach the webhook"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "Uptime check on the webhook's ${local.health_path} failing from more than one region"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.label.check_id=\"${google_monitoring_uptime_check_config.webhook_health.uptime_check_id}\" AND resource.type=\"uptime_url\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.*"]
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: the webhook does not answer ${local.health_path}"
    content   = "The uptime check on `${google_cloud_run_v2_service.webhook.name}`'s `${local.health_path}` fails from more than one region for 5 minutes: Stripe's deliveries fail too (Stripe retries for 3 days in live mode). ${local.alert_runbook}"
  }

  depends_on = [google_project_service.apis]
}

# Server errors as a share of each service's requests (Cloud Run's own request metric, so crashes,
# timeouts and out-of-memory kills count too, not only the errors our code logs).
resource "google_monitoring_alert_policy" "http_5xx_rate" {
  for_each = {
    webhook = google_cloud_run_v2_service.webhook.name
    app     = google_cloud_run_v2_service.app.name
  }

  display_name = "Billing: ${each.key} answers 5xx"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "More than ${var.http_5xx_percent_alert}% of ${each.value}'s requests answer 5xx for 5 minutes"
    condition_threshold {
      filter             = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.value}\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      denominator_filter = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${each.value}\" AND metric.type = \"run.googleapis.com/request_count\""
      comparison         = "COMPARISON_GT"
      threshold_value    = var.http_5xx_percent_alert / 100
      duration           = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  notification_channels = local.alert_channels

  documentation {
    mime_type = "text/markdown"
    subject   = "Billing: ${each.key} answers 5xx to more than ${var.http_5xx_percent_alert}% of requests"
    content   = "`${each.value}` answers 5xx to more than ${var.http_5xx_percent_alert}% of its requests. The ERROR entries by event on the Billing dashboard say which failure (`http.unhandled_error`, `usage.sync_failed`, `webhook.publish_failed`, or none: a crash or timeout). ${local.alert_runbook}"
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
    content   = "Events that could not be applied wait in `${google_pubsub_subscription.stripe_events_dead_letter_inspect.name}` (kept 7 days): those the applier refused (`stripe_event.dead_lettered`, with a `reason`) and those whose deliveries all failed (`stripe_event.retry` warnings). Fix the cause, then `npm run ops -- replay-dead-letters`. ${local.alert_runbook}"
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

# --- SLO: how fast a Stripe event is applied, end to end ------------------------------------------
# Good: a Stripe event the applier applied within event_applied_slo_ms of Stripe creating it (the
# applyLagMs of its stripe_event.applied line, log_metrics.tf). That covers everything a customer
# waits through: Stripe's delivery, the webhook, Pub/Sub, redeliveries after failures, and the
# apply itself. An event still failing is not counted until it is applied (or dead-lettered, which
# pages on its own: dead_letters; a growing backlog pages as applier_backlog), so those alerts,
# not this SLO, catch an outage while it lasts; once the events are applied their lag spends the
# budget. `created` is in whole seconds, so a lag reads up to 1 s long.
resource "google_monitoring_custom_service" "stripe_event_applier" {
  service_id   = "stripe-event-applier"
  display_name = "Stripe event applier (${google_cloudfunctions2_function.apply_stripe_event.name})"

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_slo" "event_applied_latency" {
  service             = google_monitoring_custom_service.stripe_event_applier.service_id
  slo_id              = "event-applied-latency"
  display_name        = "Stripe events applied within ${var.event_applied_slo_ms} ms of their creation"
  goal                = var.event_applied_slo_goal
  rolling_period_days = 28

  request_based_sli {
    distribution_cut {
      distribution_filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.stripe_event_apply_lag.name}\" resource.type=\"cloud_run_revision\""
      range {
        max = var.event_applied_slo_ms
      }
    }
  }

  lifecycle {
    # The SLO counts whole buckets: a threshold between two bounds would be counted at one of them.
    precondition {
      condition     = contains(local.apply_lag_bucket_bounds_ms, var.event_applied_slo_ms)
      error_message = "event_applied_slo_ms must be one of the apply lag bucket bounds (local.apply_lag_bucket_bounds_ms, log_metrics.tf)."
    }
  }
}
