# Container images of the webhook and app services. Cloud Build pushes
#   ${region}-docker.pkg.dev/${project}/billing/{webhook,app}:${SHORT_SHA}
resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "billing"
  format        = "DOCKER"
  description   = "Images of the Stripe billing services (webhook, app)."

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }

  depends_on = [google_project_service.apis]
}
