# Least privilege: one service account per deployable, each granted only what its code uses, on
# the narrowest resource that works. Every role is a literal string in this file so it can be
# audited (and is, by infra/terraform.test.ts). The matrix is in infra/README.md.

locals {
  service_accounts = {
    webhook          = { id = "billing-webhook", name = "Stripe webhook (Cloud Run)" }
    app              = { id = "billing-app", name = "Billing app (Cloud Run, behind IAP)" }
    applier          = { id = "billing-applier", name = "Stripe event applier (function)" }
    usage_reporter   = { id = "billing-usage-reporter", name = "Usage reporter (function)" }
    pubsub_push      = { id = "billing-pubsub-push", name = "Identity of the stripe-events push subscription" }
    eventarc_invoker = { id = "billing-eventarc-invoker", name = "Identity of the usage-report-tick Eventarc trigger" }
    deployer         = { id = "billing-deployer", name = "Cloud Build release pipeline" }
    # Builds the functions' images (Cloud Build, on each deploy); never runs code in production.
    functions_builder = { id = "billing-functions-builder", name = "Builds of the functions (build_config.service_account)" }
  }

  # Which runtime reads which secret: nothing else can read either.
  secret_readers = {
    webhook_reads_webhook_secret    = { sa = "webhook", secret = "stripe_webhook_secret" }
    app_reads_stripe_key            = { sa = "app", secret = "stripe_secret_key" }
    applier_reads_stripe_key        = { sa = "applier", secret = "stripe_secret_key" }
    usage_reporter_reads_stripe_key = { sa = "usage_reporter", secret = "stripe_secret_key" }
  }

  # Runtimes that read and write Firestore.
  firestore_users = toset(["app", "applier", "usage_reporter"])

  # Runtimes that export spans to Cloud Trace when var.tracing is cloud-trace (TRACING, run.tf and
  # function.tf): every deployable that runs our code.
  trace_writers = toset(["webhook", "app", "applier", "usage_reporter"])

  # Service accounts the deployer may deploy code as (iam.serviceAccountUser on each, not the project).
  # eventarc_invoker: `gcloud functions deploy report-usage --trigger-service-account` acts as it;
  # functions_builder: `gcloud functions deploy --build-service-account` acts as it.
  deployable_runtimes = toset(["webhook", "app", "applier", "usage_reporter", "eventarc_invoker", "functions_builder"])
}

resource "google_service_account" "sa" {
  for_each     = local.service_accounts
  account_id   = each.value.id
  display_name = each.value.name

  depends_on = [google_project_service.apis]
}

# --- Secrets: secretAccessor on one secret, never project-wide ---------------------------------
resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each  = local.secret_readers
  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.sa[each.value.sa].email}"
}

# --- Firestore: datastore.user (read/write documents; no index or database admin) ---------------
resource "google_project_iam_member" "firestore_user" {
  for_each = local.firestore_users
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = "serviceAccount:${google_service_account.sa[each.value].email}"
}

# --- Cloud Trace: cloudtrace.agent (write spans; read none) ------------------------------------
# Cloud Trace has no resource below the project to grant on, so this is project-level; it is granted
# only while the deployables are told to export there (var.tracing = cloud-trace).
resource "google_project_iam_member" "trace_agent" {
  for_each = var.tracing == "cloud-trace" ? local.trace_writers : toset([])
  project  = var.project_id
  role     = "roles/cloudtrace.agent"
  member   = "serviceAccount:${google_service_account.sa[each.value].email}"
}

# --- Pub/Sub ---------------------------------------------------------------------------------
# The webhook publishes verified events; it can publish to this one topic and nothing else.
resource "google_pubsub_topic_iam_member" "webhook_publishes_events" {
  topic  = google_pubsub_topic.stripe_events.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.sa["webhook"].email}"
}

# The applier may dead-letter a message it knows is poison without waiting for the delivery limit.
resource "google_pubsub_topic_iam_member" "applier_publishes_dead_letters" {
  topic  = google_pubsub_topic.stripe_events_dead_letter.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.sa["applier"].email}"
}

# The applier publishes notifications after each commit; the usage reporter's tick publishes what
# is left in the outbox (quota thresholds, the app's refreshes). The app never publishes these.
resource "google_pubsub_topic_iam_member" "notifications_publishers" {
  for_each = toset(["applier", "usage_reporter"])
  topic    = google_pubsub_topic.billing_notifications.name
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.sa[each.value].email}"
}

# The operator console's pipeline view (services/app/src/admin/console-router.ts, through
# shared/src/pubsub/dead-letter-queue.ts): it counts the dead-lettered events by pulling them from
# the inspect subscription and giving them back at once (pull, modifyAckDeadline), and an admin's
# replay republishes each to stripe-events and then acknowledges it. Subscriber on that one
# subscription and publisher on that one topic; it reads no metric (the count is the pull's).
resource "google_pubsub_subscription_iam_member" "app_reads_dead_letters" {
  subscription = google_pubsub_subscription.stripe_events_dead_letter_inspect.name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.sa["app"].email}"
}

resource "google_pubsub_topic_iam_member" "app_replays_dead_letters" {
  topic  = google_pubsub_topic.stripe_events.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.sa["app"].email}"
}

# Pub/Sub mints the push subscription's OIDC token as this account (needed on projects created
# before April 2021; harmless after).
resource "google_service_account_iam_member" "pubsub_agent_mints_push_token" {
  service_account_id = google_service_account.sa["pubsub_push"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

# --- Invokers --------------------------------------------------------------------------------
resource "google_cloud_run_v2_service_iam_member" "applier_invoker" {
  location = var.region
  name     = google_cloudfunctions2_function.apply_stripe_event.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.sa["pubsub_push"].email}"
}

resource "google_cloud_run_v2_service_iam_member" "usage_reporter_invoker" {
  location = var.region
  name     = google_cloudfunctions2_function.report_usage.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.sa["eventarc_invoker"].email}"
}

# The webhook and the app grant run.invoker to no one public: both set invoker_iam_disabled = true
# (run.tf). The webhook because Stripe has no Google credentials (the Stripe signature is its
# authentication). The app because its /v1/* backend has no IAP, so those requests carry no Google
# identity, and the invoker check is per service, not per path. Disabling the check is preferred to
# an allUsers binding: it grants no role to every principal, works under domain restricted sharing
# (which refuses allUsers), and the exposure is the same: ingress still admits only the load
# balancer for the app, and each service authenticates every request itself.

# IAP on the load balancer calls the app as its service agent (X-Serverless-Authorization). With the
# invoker check off this grant is not consulted, but it is the one the IAP path needs when the check
# is on (e.g. if /v1 moves to its own service), so the IAP path never depends on the public setting.
resource "google_cloud_run_v2_service_iam_member" "app_invoked_by_iap" {
  location = google_cloud_run_v2_service.app.location
  name     = google_cloud_run_v2_service.app.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_project_service_identity.iap.email}"
}

# The team's services that call the service API (/v1/check, /v1/track, /v1/accounts): the app
# verifies their Google ID tokens and SERVICE_ACCOUNTS itself (the /v1 backend has no IAP); this
# grant is what Cloud Run's own invoker check would ask of them if it were turned on.
resource "google_cloud_run_v2_service_iam_member" "app_invoked_by_services" {
  for_each = toset(var.service_accounts)
  location = google_cloud_run_v2_service.app.location
  name     = google_cloud_run_v2_service.app.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${each.value}"
}

# Who gets through IAP: the accessor role on the IAP-enabled backend service only (the /v1 backend
# has no IAP and no IAP policy).
resource "google_iap_web_backend_service_iam_member" "app_users" {
  for_each            = toset(var.iap_members)
  project             = var.project_id
  web_backend_service = google_compute_backend_service.app.name
  role                = "roles/iap.httpsResourceAccessor"
  member              = each.value
}

# --- Release pipeline (Cloud Build runs as billing-deployer) --------------------------------------
resource "google_project_iam_member" "deployer_run" {
  project = var.project_id
  role    = "roles/run.developer" # deploy revisions; cannot change IAM policies
  member  = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

resource "google_project_iam_member" "deployer_functions" {
  project = var.project_id
  role    = "roles/cloudfunctions.developer"
  member  = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

resource "google_project_iam_member" "deployer_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter" # build logs (cloudbuild.yaml: logging CLOUD_LOGGING_ONLY)
  member  = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

resource "google_project_iam_member" "deployer_firestore_indexes" {
  project = var.project_id
  role    = "roles/datastore.indexAdmin" # firestore.indexes.json only; no document access
  member  = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

resource "google_project_iam_member" "deployer_rules" {
  project = var.project_id
  role    = google_project_iam_custom_role.firestore_rules_deployer.id
  member  = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

resource "google_artifact_registry_repository_iam_member" "deployer_pushes_images" {
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

resource "google_service_account_iam_member" "deployer_acts_as_runtime" {
  for_each           = local.deployable_runtimes
  service_account_id = google_service_account.sa[each.value].name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.sa["deployer"].email}"
}

# --- Function builds (Cloud Build runs as billing-functions-builder) ---------------------------------
# What a Cloud Run functions build needs, and nothing else: write its build log, read the uploaded
# source, push the image. Google's list for a custom build account is logging.logWriter,
# artifactregistry.writer and storage object read; each is narrowed here to what the build touches.
resource "google_project_iam_member" "functions_builder_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter" # build logs; this role exists only at project level
  member  = "serviceAccount:${google_service_account.sa["functions_builder"].email}"
}

resource "google_artifact_registry_repository_iam_member" "functions_builder_pushes_images" {
  location   = google_artifact_registry_repository.function_images.location
  repository = google_artifact_registry_repository.function_images.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.sa["functions_builder"].email}"
}

# The source a build reads: the first version Terraform uploads (function_sources) and every later
# one, which `gcloud functions deploy --source` uploads and Cloud Functions copies into its own
# gcf-v2-sources-NUMBER-REGION bucket. That bucket is created by Google on first use, so it cannot
# carry a bucket-level grant before the first deploy: the grant is on the project, limited by an IAM
# condition to those two buckets.
resource "google_project_iam_member" "functions_builder_reads_sources" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = "serviceAccount:${google_service_account.sa["functions_builder"].email}"

  condition {
    title       = "function-sources-only"
    description = "Only the buckets that hold function source."
    expression  = local.functions_source_buckets_condition
  }
}

locals {
  # The bucket itself (listing) and its objects; an exact name, so no other bucket matches.
  functions_source_buckets_condition = join(" || ", [
    for bucket in [google_storage_bucket.function_sources.name, "gcf-v2-sources-${data.google_project.this.number}-${var.region}"] :
    "resource.name == \"projects/_/buckets/${bucket}\" || resource.name.startsWith(\"projects/_/buckets/${bucket}/objects/\")"
  ])
}

# firebase-tools deploying firestore.rules: create a ruleset and point the cloud.firestore release
# at it. The predefined roles/firebaserules.admin would also allow deleting every ruleset.
resource "google_project_iam_custom_role" "firestore_rules_deployer" {
  role_id     = "firestoreRulesDeployer"
  title       = "Firestore rules deployer"
  description = "Deploy firestore.rules with firebase-tools: rulesets and the cloud.firestore release."
  permissions = [
    "firebase.projects.get",
    "firebaserules.releases.create",
    "firebaserules.releases.get",
    "firebaserules.releases.list",
    "firebaserules.releases.update",
    "firebaserules.rulesets.create",
    "firebaserules.rulesets.get",
    "firebaserules.rulesets.list",
    "firebaserules.rulesets.test",
    "serviceusage.services.get",
  ]
}
