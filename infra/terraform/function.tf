# The two Cloud Run functions (gen2), both from the functions/ workspace source
# (functions/deploy/ after `npm run build`: the esbuild bundle + a pruned package.json/lockfile).
#
# Ownership: Terraform creates each function with a first version of the source; Cloud Build
# rolls out later versions with `gcloud functions deploy --source functions/deploy`, so the
# source is ignored here after creation. Everything else (service account, build service account,
# image repository, env, secrets, scaling, triggers) stays owned by Terraform, and cloudbuild.yaml
# repeats those flags.
#
#   apply-stripe-event  entry applyStripeEvent  HTTP-invoked by the stripe-events-applier push
#                       subscription (pubsub.tf explains why not an Eventarc trigger); private.
#   report-usage        entry reportUsage       Eventarc Pub/Sub trigger on usage-report-tick
#                       (Cloud Scheduler, every minute), retries off; drains the usage outbox
#                       to Stripe Billing Meters.

data "archive_file" "functions_source" {
  type        = "zip"
  source_dir  = abspath("${path.module}/${var.functions_source_dir}")
  output_path = "${path.module}/.build/functions-source.zip"
  excludes    = ["node_modules"]
}

resource "google_storage_bucket" "function_sources" {
  name                        = "${var.project_id}-function-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_object" "functions_source" {
  name   = "functions-${data.archive_file.functions_source.output_md5}.zip"
  bucket = google_storage_bucket.function_sources.name
  source = data.archive_file.functions_source.output_path
}

locals {
  # The applier's request timeout and the push subscription's ack deadline (pubsub.tf): 60 s to
  # apply one event, and Pub/Sub waits 90 s for the answer, so the 30 s between them covers a
  # cold start and a delivery is never sent again while its first attempt can still be running.
  applier_timeout_seconds      = 60
  applier_ack_deadline_seconds = 90

  # Cloud Build runs each function build as this account (build_config.service_account), not as
  # the project's default Compute Engine or legacy Cloud Build account; iam.tf grants it only what a
  # build needs. The built images go to the functions' own repository (artifact_registry.tf).
  functions_build_service_account = google_service_account.sa["functions_builder"].id
  functions_docker_repository     = google_artifact_registry_repository.function_images.id

  function_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    STRIPE_LIVEMODE      = tostring(var.stripe_livemode)
    LOG_LEVEL            = var.log_level
    TRACING              = var.tracing
    DEAD_LETTER_TOPIC    = google_pubsub_topic.stripe_events_dead_letter.name
    NOTIFICATIONS_TOPIC  = google_pubsub_topic.billing_notifications.name
    # As the services' image runs (services/Dockerfile): stack traces in Error Reporting name the
    # TypeScript sources, not lines of the bundle; and Node's compile cache, filled by the source's
    # gcp-build script in Google's build of the image (infra/scripts/prepare-deploy-dir.ts), so a
    # cold start reuses the compiled code of the modules it loads instead of compiling them again.
    NODE_OPTIONS       = "--enable-source-maps"
    NODE_COMPILE_CACHE = "/workspace/.node-compile-cache"
  }
}

resource "google_cloudfunctions2_function" "apply_stripe_event" {
  name     = "apply-stripe-event"
  location = var.region

  build_config {
    runtime           = "nodejs24"
    entry_point       = "applyStripeEvent"
    service_account   = local.functions_build_service_account
    docker_repository = local.functions_docker_repository
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = google_storage_bucket_object.functions_source.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.sa["applier"].email
    ingress_settings                 = "ALLOW_ALL" # Pub/Sub push comes from Google's network, authenticated by OIDC; no allUsers invoker
    all_traffic_on_latest_revision   = true
    min_instance_count               = var.applier_scaling.min_instances
    max_instance_count               = var.applier_scaling.max_instances
    max_instance_request_concurrency = var.applier_scaling.concurrency
    available_memory                 = var.applier_scaling.memory
    available_cpu                    = "1"
    timeout_seconds                  = local.applier_timeout_seconds # below the push subscription's ack deadline (locals above)
    environment_variables            = local.function_env

    secret_environment_variables {
      key        = "STRIPE_SECRET_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.secret["stripe_secret_key"].secret_id
      version    = "latest"
    }
  }

  lifecycle {
    ignore_changes = [build_config[0].source]
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.functions_builder_logs,
    google_project_iam_member.functions_builder_reads_sources,
    google_artifact_registry_repository_iam_member.functions_builder_pushes_images,
  ]
}

resource "google_cloudfunctions2_function" "report_usage" {
  name     = "report-usage"
  location = var.region

  build_config {
    runtime           = "nodejs24"
    entry_point       = "reportUsage"
    service_account   = local.functions_build_service_account
    docker_repository = local.functions_docker_repository
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = google_storage_bucket_object.functions_source.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.sa["usage_reporter"].email
    ingress_settings                 = "ALLOW_INTERNAL_ONLY" # only Eventarc delivers ticks
    all_traffic_on_latest_revision   = true
    min_instance_count               = 0
    max_instance_count               = 1 # one drainer at a time keeps within Stripe's meter-event rate limit
    max_instance_request_concurrency = 1
    available_memory                 = "256Mi"
    timeout_seconds                  = 55 # finishes before the next tick
    environment_variables            = local.function_env

    secret_environment_variables {
      key        = "STRIPE_SECRET_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.secret["stripe_secret_key"].secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region = var.region
    event_type     = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic   = google_pubsub_topic.usage_report_tick.id
    # A tick is not retried: the handler logs a failed run and returns (functions/src/report-usage/
    # register.ts), the outbox keeps the usage, and the next tick a minute later is the retry. With
    # retries on, a crashed or timed-out run would be redelivered on top of the next ticks.
    retry_policy          = "RETRY_POLICY_DO_NOT_RETRY"
    service_account_email = google_service_account.sa["eventarc_invoker"].email
  }

  lifecycle {
    ignore_changes = [build_config[0].source]
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.functions_builder_logs,
    google_project_iam_member.functions_builder_reads_sources,
    google_artifact_registry_repository_iam_member.functions_builder_pushes_images,
  ]
}
