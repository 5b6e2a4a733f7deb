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
#
# Both backends carry one Cloud Armor policy (google_compute_security_policy.app): global ceilings
# per API key and per client IP, which the app cannot give (its per-user rate limit is per
# instance, services/app/src/usage/metered.ts).

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

  security_policy = google_compute_security_policy.app.id

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

  security_policy = google_compute_security_policy.app.id

  log_config {
    enable      = true
    sample_rate = 1
  }
}

# Global ceilings at the load balancer, on top of the app's per-user plan limit (which each
# instance enforces on its own, so a user gets at most instances x limit):
#
#   priority 1000  a request with an Authorization header (an API key on /v1; an IAP programmatic
#                  token elsewhere): at most var.edge_requests_per_minute_per_authorization per minute per
#                  header value, i.e. per key, whichever instances serve it.
#   priority 2000  every other request (browsers, requests without a key): at most
#                  var.edge_requests_per_minute_per_client_ip per minute per client IP.
#
# Over a ceiling: 429 from the load balancer until the minute's count falls back. Cloud Armor acts
# on the first rule a request matches (a throttle rule's "allow" ends the evaluation), so each
# request is counted by exactly one ceiling: keyed requests per key, others per IP. Requests with
# many distinct made-up keys therefore pass the per-key ceiling; what each costs the app is bounded
# there (one Firestore read and no listener per unknown key, shared/src/api-keys/api-key-verifier.ts).
# Cloud Armor counts per backend service: each of the two backends has these ceilings.
resource "google_compute_security_policy" "app" {
  name        = "billing-app"
  description = "Per API key and per client IP request ceilings for the app (infra/README.md)"
  type        = "CLOUD_ARMOR"

  rule {
    priority    = 1000
    description = "Ceiling per API key (Authorization header value)"
    action      = "throttle"

    match {
      expr {
        expression = "has(request.headers['authorization'])"
      }
    }

    rate_limit_options {
      conform_action      = "allow"
      exceed_action       = "deny(429)"
      enforce_on_key      = "HTTP_HEADER"
      enforce_on_key_name = "Authorization"

      rate_limit_threshold {
        count        = var.edge_requests_per_minute_per_authorization
        interval_sec = 60
      }
    }
  }

  rule {
    priority    = 2000
    description = "Ceiling per client IP (requests without Authorization)"
    action      = "throttle"

    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }

    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"

      rate_limit_threshold {
        count        = var.edge_requests_per_minute_per_client_ip
        interval_sec = 60
      }
    }
  }

  # Required last rule: what no rule above refused reaches the backend (IAP and the app decide).
  rule {
    priority    = 2147483647
    description = "Default: allow"
    action      = "allow"

    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
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
