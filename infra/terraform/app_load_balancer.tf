# The app's only way in: a global external Application Load Balancer on var.app_domain with a
# Google-managed certificate, routing to the app through one serverless NEG and two backend
# services on it:
#
#   default  -> billing-app      IAP enabled: browsers and pages (IAP signs x-goog-iap-jwt-assertion)
#   /v1/*    -> billing-app-api  no IAP: customers' programs call /v1 with `Authorization: Bearer
#                                <api key>` and cannot pass IAP. The app authenticates them itself
#                                (api key), and verifies the IAP assertion on every other route and
#                                on /v1 without a Bearer key, so a request that reaches the app
#                                through this backend without a key gets 401.
#
# IAP is on the backend service, not on the Cloud Run service: Cloud Run's own IAP (iap_enabled)
# applies to every path and would block /v1, and Cloud Run refuses IAP on both the service and a
# load balancer in front of it. The service's ingress (INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER)
# refuses the run.app URL, so neither path can be bypassed from the internet.

locals {
  # The NEG names the Cloud Run service by this literal instead of referencing the resource: the
  # service's IAP_AUDIENCE env is built from the IAP backend service's generated_id (run.tf), so a
  # reference from the NEG to the service would close the cycle service -> backend -> NEG -> service.
  # A serverless NEG may point at a service that does not exist yet.
  app_service_name = "app"

  # Routed to the backend without IAP (only these; everything else, including "/v1" itself, goes to
  # the IAP backend). The app serves API-key routes only under /v1/.
  app_api_key_paths = ["/v1/*"]
}

resource "google_compute_global_address" "app" {
  name = "billing-app"

  depends_on = [google_project_service.apis]
}

resource "google_compute_region_network_endpoint_group" "app" {
  name                  = "billing-app"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = local.app_service_name
  }

  depends_on = [google_project_service.apis]
}

# Default backend: IAP with a Google-managed OAuth client (no oauth2_client_id/secret, so no OAuth
# secret in Terraform state; Google-managed clients admit users of the project's organization).
resource "google_compute_backend_service" "app" {
  name                  = "billing-app"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  backend {
    group = google_compute_region_network_endpoint_group.app.id
  }

  iap {
    enabled = true
  }

  log_config {
    enable      = true
    sample_rate = 1
  }

  depends_on = [google_project_service_identity.iap]
}

# /v1/* backend: the same NEG, no IAP. Authentication is the app's API key check.
resource "google_compute_backend_service" "app_api" {
  name                  = "billing-app-api"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  backend {
    group = google_compute_region_network_endpoint_group.app.id
  }

  log_config {
    enable      = true
    sample_rate = 1
  }
}

resource "google_compute_url_map" "app" {
  name            = "billing-app"
  default_service = google_compute_backend_service.app.id

  host_rule {
    hosts        = [var.app_domain]
    path_matcher = "app"
  }

  path_matcher {
    name            = "app"
    default_service = google_compute_backend_service.app.id

    path_rule {
      paths   = local.app_api_key_paths
      service = google_compute_backend_service.app_api.id
    }
  }
}

resource "google_compute_managed_ssl_certificate" "app" {
  name = "billing-app"

  managed {
    domains = [var.app_domain]
  }
}

resource "google_compute_target_https_proxy" "app" {
  name             = "billing-app"
  url_map          = google_compute_url_map.app.id
  ssl_certificates = [google_compute_managed_ssl_certificate.app.id]
}

resource "google_compute_global_forwarding_rule" "app" {
  name                  = "billing-app"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.app.address
  port_range            = "443"
  target                = google_compute_target_https_proxy.app.id
}
