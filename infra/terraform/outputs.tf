output "webhook_url" {
  description = "Register <webhook_url>/<route> as the Stripe webhook endpoint (infra/README.md)."
  value       = google_cloud_run_v2_service.webhook.uri
}

output "app_ip" {
  description = "Point an A record for var.app_domain here; the managed certificate provisions once DNS resolves."
  value       = google_compute_global_address.app.address
}

output "app_url" {
  value = "https://${var.app_domain}"
}

output "app_iap_audience" {
  description = "The audience the app verifies on x-goog-iap-jwt-assertion: /projects/NUMBER/global/backendServices/ID of the IAP backend (set as the app's IAP_AUDIENCE)."
  value       = local.app_iap_audience
}

output "app_iap_backend_service" {
  description = "The IAP-enabled backend service (every path but /v1/*): gcloud iap web ... --resource-type=backend-services --service=<this>."
  value       = google_compute_backend_service.app.name
}

output "app_security_policy" {
  description = "The Cloud Armor policy on both app backends (per API key and per client IP ceilings): gcloud compute security-policies describe <this>."
  value       = google_compute_security_policy.app.name
}

output "app_api_url" {
  description = "Base URL of the API-key routes (/v1/*), routed to the backend without IAP."
  value       = "https://${var.app_domain}/v1"
}

output "image_repository" {
  description = "Artifact Registry path for the images (cloudbuild.yaml _REPO)."
  value       = local.image_base
}

output "deployer_service_account" {
  description = "Run Cloud Build as this account: gcloud builds submit --service-account=projects/<p>/serviceAccounts/<this>."
  value       = google_service_account.sa["deployer"].email
}

output "service_accounts" {
  value = { for k, sa in google_service_account.sa : k => sa.email }
}

output "stripe_events_topic" {
  value = google_pubsub_topic.stripe_events.id
}

output "dead_letter_inspect_subscription" {
  value = google_pubsub_subscription.stripe_events_dead_letter_inspect.id
}
