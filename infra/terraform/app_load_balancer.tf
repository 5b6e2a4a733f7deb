# The app's only way in: a global external Application Load Balancer on var.app_domain with a
# Google-managed certificate, routing to the app through a serverless NEG. The service's ingress
# (INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER) refuses the run.app URL, and IAP, enabled on the Cloud
# Run service itself, authenticates every request that comes through here. IAP must not also be
# enabled on this backend service (Cloud Run docs: not both).

resource "google_compute_global_address" "app" {
  name = "billing-app"

  depends_on = [google_project_service.apis]
}

resource "google_compute_region_network_endpoint_group" "app" {
  name                  = "billing-app"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.app.name
  }
}

resource "google_compute_backend_service" "app" {
  name                  = "billing-app"
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
