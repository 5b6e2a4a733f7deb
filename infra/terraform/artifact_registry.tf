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

# Images Cloud Build makes from the functions' source (build_config.docker_repository, function.tf).
# Our own repository instead of the gcf-artifacts one Google creates on first deploy, so the build
# service account can be granted write access on exactly this repository before any deploy.
resource "google_artifact_registry_repository" "function_images" {
  location      = var.region
  repository_id = "billing-functions"
  format        = "DOCKER"
  description   = "Images Cloud Build makes of the functions (apply-stripe-event, report-usage)."

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 10
    }
  }

  depends_on = [google_project_service.apis]
}
