# The two Cloud Run services. Terraform owns their configuration (service account, scaling,
# env, secrets, ingress, IAP); Cloud Build owns the image (`gcloud run deploy --image`), so the
# image is ignored after the first apply, which runs var.bootstrap_image.

locals {
  image_base = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  # IAP on Cloud Run signs x-goog-iap-jwt-assertion with this audience (FACTS.md: [verify] on first deploy;
  # the app refuses every request if it differs, so a mistake is loud, not silent).
  app_iap_audience = "/projects/${data.google_project.this.number}/locations/${var.region}/services/app"
}

resource "google_cloud_run_v2_service" "webhook" {
  name     = "webhook"
  location = var.region
  # Stripe calls this from the internet; the signature check is the authentication. No IAP:
  # Stripe cannot pass it.
  ingress = "INGRESS_TRAFFIC_ALL"

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
        startup_cpu_boost = true
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
  provider = google-beta # iap_enabled is a beta field in the 6.x provider

  name         = "app"
  location     = var.region
  launch_stage = "BETA"
  # IAP is enabled on the service itself, so every ingress path (the load balancer and the
  # run.app URL) is behind it; on top of that, ingress only admits the load balancer.
  iap_enabled = true
  ingress     = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"

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
        startup_cpu_boost = true
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
        name  = "IAP_AUDIENCE"
        value = local.app_iap_audience
      }
      env {
        name  = "STRIPE_PRICE_IDS"
        value = var.stripe_price_ids
      }
      env {
        name  = "LOG_LEVEL"
        value = var.log_level
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

  depends_on = [google_secret_manager_secret_iam_member.accessor, google_project_service_identity.iap]
}
