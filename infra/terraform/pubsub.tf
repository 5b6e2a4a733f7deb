# Stripe events flow: webhook --publish--> stripe-events --push (OIDC)--> applyStripeEvent.
# After dead_letter_max_delivery_attempts failed deliveries a message moves to
# stripe-events-dead-letter, where the pull subscription stripe-events-dead-letter-inspect keeps it
# for inspection and replay (infra/README.md "Replay from the dead-letter topic"), by the ops CLI or
# from the operator console's pipeline view (the app's grants: iam.tf).
#
# Why a push subscription we manage instead of the function's Eventarc trigger: the subscription
# Eventarc creates for a trigger is owned by Eventarc, and Terraform cannot set a dead-letter policy
# on it (google_cloudfunctions2_function.event_trigger has no such argument, and editing the
# generated subscription out of band is reverted on the next deploy). A subscription declared here
# carries the retry policy, the dead-letter policy and the OIDC identity in code. functions-framework
# turns the Pub/Sub push body into the same `google.cloud.pubsub.topic.v1.messagePublished`
# CloudEvent the Eventarc trigger would deliver, so the handler does not change.

locals {
  pubsub_service_agent = "serviceAccount:${google_project_service_identity.pubsub.email}"
}

resource "google_pubsub_topic" "stripe_events" {
  name                       = "stripe-events"
  message_retention_duration = "604800s" # 7 days: lets a subscription seek back after an incident

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "stripe_events_dead_letter" {
  name                       = "stripe-events-dead-letter"
  message_retention_duration = "604800s"

  depends_on = [google_project_service.apis]
}

# Notifications for the team's own services (shared/src/notifications/messages.ts): typed,
# versioned JSON with `type`, `version`, `accountId` and `notificationId` attributes. Hosts add their
# own subscriptions (a filter such as attributes.type = "quota.threshold_crossed" selects a type)
# and dedupe on notificationId: delivery is at least once.
resource "google_pubsub_topic" "billing_notifications" {
  name                       = "billing-notifications"
  message_retention_duration = "604800s" # a new host subscription can seek back a week

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_subscription" "stripe_events_applier" {
  name  = "stripe-events-applier"
  topic = google_pubsub_topic.stripe_events.id

  # For a push subscription the ack deadline is how long Pub/Sub waits for the function's answer
  # before it counts the delivery as failed and redelivers. It must exceed the function's timeout
  # (local.applier_timeout_seconds, function.tf) plus a cold start, or a slow first delivery that is
  # still running would be delivered a second time.
  ack_deadline_seconds       = local.applier_ack_deadline_seconds
  message_retention_duration = "604800s"
  # Ordered delivery takes effect only if the webhook publishes with ordering keys
  # (PUBSUB_ORDER_BY_CUSTOMER=true; off by default): Pub/Sub does not order messages whose ordering
  # key is empty, so by default this subscription delivers (and dead-letters) like an unordered one.
  # Enabled here so that switch needs no new subscription (this setting cannot change after
  # creation, and replacing the subscription would drop its unacknowledged messages). With the
  # switch on, an event that keeps failing holds back its customer's later events until it is
  # dead-lettered (the attempts and backoff below bound that). Correctness never rests on ordering:
  # the applier's ledger and version guard decide, and an event a retry cannot fix is dead-lettered
  # by the applier at once. The local stack's subscription is unordered (infra/local/src/
  # pubsub-topology.ts): the emulator stops delivering anything once an ordered message has spent
  # its attempts (measured), where Pub/Sub forwards it to the dead-letter topic and goes on.
  enable_message_ordering = true
  retain_acked_messages   = false
  expiration_policy {
    ttl = "" # never expires
  }

  push_config {
    push_endpoint = google_cloudfunctions2_function.apply_stripe_event.service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.sa["pubsub_push"].email
      audience              = google_cloudfunctions2_function.apply_stripe_event.service_config[0].uri
    }
  }

  # Exponential backoff between redeliveries of a failed event (the function throws -> non-2xx).
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.stripe_events_dead_letter.id
    max_delivery_attempts = var.dead_letter_max_delivery_attempts
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher_pubsub_agent,
    google_cloud_run_v2_service_iam_member.applier_invoker,
  ]
}

resource "google_pubsub_subscription" "stripe_events_dead_letter_inspect" {
  name  = "stripe-events-dead-letter-inspect"
  topic = google_pubsub_topic.stripe_events_dead_letter.id

  ack_deadline_seconds       = 600
  message_retention_duration = "604800s"
  retain_acked_messages      = true # a replayed message can be looked at again (seek)
  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub forwards undeliverable messages as its own service agent: it must be able to publish to
# the dead-letter topic and to ack (subscribe) on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher_pubsub_agent" {
  topic  = google_pubsub_topic.stripe_events_dead_letter.name
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "applier_subscriber_pubsub_agent" {
  subscription = google_pubsub_subscription.stripe_events_applier.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# Usage reporting tick: Cloud Scheduler publishes here every minute (scheduler.tf).
resource "google_pubsub_topic" "usage_report_tick" {
  name                       = "usage-report-tick"
  message_retention_duration = "3600s" # a tick is worthless once the next one has fired

  depends_on = [google_project_service.apis]
}
