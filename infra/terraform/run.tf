# The two Cloud Run services. Terraform owns their configuration (service account, scaling,
# env, secrets, ingress, invoker check, probes); Cloud Build owns the image (`gcloud run deploy
# --image`), so the image is ignored after the first apply, which runs var.bootstrap_image.
#
# Both services answer GET /health without touching a dependency (not /healthz: Cloud Run reserves
# some paths ending in "z"); the startup probe below waits for it before a revision takes traffic.

locals {
  image_base = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  # IAP on a load balancer backend service signs x-goog-iap-jwt-assertion with this audience. The id
  # is the backend service's numeric generated_id, known only after it is created; the app's
  # IAP_AUDIENCE env is set from it below. No cycle: the NEG names the service by a literal
  # (app_load_balancer.tf), so the order is NEG -> backend service -> Cloud Run service.
  # The app refuses every request if the audience differs, so a mistake is loud, not silent.
  app_iap_audience = "/projects/${data.google_project.this.number}/global/backendServices/${google_compute_backend_service.app.generated_id}"
  health_path      = "/health"
}

resource "google_cloud_run_v2_service" "webhook" {
  name     = "webhook"
  location = var.region
  # Stripe calls this from the internet; the signature check is the authentication. No IAP:
  # Stripe cannot pass it. Public by disabling the invoker IAM check rather than granting
  # run.invoker to allUsers: the same effect, no grant to every principal, and it still applies in
  # an organization enforcing domain restricted sharing (iam.allowedPolicyMemberDomains, part of
  # Google's secure-by-default policies for new organizations), which refuses allUsers bindings.
  ingress              = "INGRESS_TRAFFIC_ALL"
  invoker_iam_disabled = true

  template {
    service_account                  = google_service_account.sa["webhook"].email
    max_instance_request_concurrency = var.webhook_scaling.concurrency
    timeout                          = "30s" # Stripe gives up after ~10 s; a slow publish must fail fast so Stripe retries
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = var.webhook_scaling.min_instances
      max_instance_count = var.webhook_scaling.max_instances
    }

    containers {
      image = var.bootstrap_image

      resources {
        limits = {
          cpu    = var.webhook_scaling.cpu
          memory = var.webhook_scaling.memory
        }
        cpu_idle          = true
        startup_cpu_boost = true # more CPU while an instance starts (loading the bundle is CPU-bound): shorter cold starts
      }

      startup_probe {
        http_get {
          path = local.health_path
        }
        period_seconds    = 2
        timeout_seconds   = 1
        failure_threshold = 30
      }

      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "PUBSUB_TOPIC"
        value = google_pubsub_topic.stripe_events.name
      }
      env {
        name  = "STRIPE_LIVEMODE"
        value = tostring(var.stripe_livemode)
      }
      env {
        name  = "LOG_LEVEL"
        value = var.log_level
      }
      env {
        name  = "TRACING"
        value = var.tracing
      }
      env {
        name = "STRIPE_WEBHOOK_SECRETS"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["stripe_webhook_secret"].secret_id
            version = "latest"
          }
        }
      }
    }
  }

  lifecycle {
    # Cloud Build sets the image; a secret roll starts a revision via a label (infra/README.md).
    ignore_changes = [template[0].containers[0].image, client, client_version, labels, template[0].labels, template[0].revision]
  }

  depends_on = [google_secret_manager_secret_iam_member.accessor]
}

resource "google_cloud_run_v2_service" "app" {
  name     = local.app_service_name
  location = var.region
  # Only the load balancer reaches the app (the run.app URL is refused), where IAP guards every
  # path but /v1/* (app_load_balancer.tf). No IAP on the service itself: it would cover /v1 too.
  ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  # The /v1/* backend has no IAP, so its requests arrive without a Google identity, and Cloud Run's
  # invoker check is per service, not per path: either allUsers gets run.invoker or the check is
  # off. Off is the narrower choice (iam.tf explains); ingress still admits only the load balancer,
  # and the app itself authenticates every request (IAP assertion or API key).
  invoker_iam_disabled = true

  template {
    service_account                  = google_service_account.sa["app"].email
    max_instance_request_concurrency = var.app_scaling.concurrency
    timeout                          = "60s"
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = var.app_scaling.min_instances
      max_instance_count = var.app_scaling.max_instances
    }

    containers {
      image = var.bootstrap_image

      resources {
        limits = {
          cpu    = var.app_scaling.cpu
          memory = var.app_scaling.memory
        }
        cpu_idle          = false # the usage recorder flushes counters between requests
        startup_cpu_boost = true  # more CPU while an instance starts (loading the bundle is CPU-bound): shorter cold starts
      }

      startup_probe {
        http_get {
          path = local.health_path
        }
        period_seconds    = 2
        timeout_seconds   = 1
        failure_threshold = 30
      }

      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "PUBLIC_BASE_URL"
        value = "https://${var.app_domain}"
      }
      env {
        name  = "IAP_AUDIENCE" # /projects/NUMBER/global/backendServices/ID of the IAP backend
        value = local.app_iap_audience
      }
      env {
        name  = "STRIPE_PRICE_IDS"
        value = var.stripe_price_ids
      }
      env {
        name  = "ADMIN_EMAILS"
        value = join(",", var.admin_emails)
      }
      env {
        name  = "SERVICE_ACCOUNTS" # callers of the service API (the app verifies their ID tokens)
        value = join(",", var.service_accounts)
      }
      env {
        name  = "DEAD_LETTER_SUBSCRIPTION" # the console's pipeline view counts and replays from it (iam.tf)
        value = google_pubsub_subscription.stripe_events_dead_letter_inspect.name
      }
      env {
        name  = "PUBSUB_TOPIC" # where the console's replays go
        value = google_pubsub_topic.stripe_events.name
      }
      env {
        name  = "CHECKOUT_PROMOTION_CODES"
        value = tostring(var.checkout_promotion_codes)
      }
      env {
        name  = "STRIPE_LIVEMODE" # must match the mode of STRIPE_SECRET_KEY, or the app refuses to start
        value = tostring(var.stripe_livemode)
      }
      env {
        name  = "LOG_LEVEL"
        value = var.log_level
      }
      env {
        name  = "TRACING"
        value = var.tracing
      }
      env {
        name = "STRIPE_SECRET_KEY"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["stripe_secret_key"].secret_id
            version = "latest"
          }
        }
      }
    }
  }

  lifecycle {
    # Cloud Build sets the image; a secret roll starts a revision via a label (infra/README.md).
    ignore_changes = [template[0].containers[0].image, client, client_version, labels, template[0].labels, template[0].revision]
  }

  depends_on = [google_secret_manager_secret_iam_member.accessor]
}
