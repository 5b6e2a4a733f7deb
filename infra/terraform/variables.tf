variable "project_id" {
  description = "The GCP project to deploy into (the project must belong to an organization for IAP on Cloud Run)."
  type        = string
}

variable "region" {
  description = "Region for Cloud Run, Cloud Run functions, Pub/Sub-adjacent resources, Artifact Registry and Scheduler."
  type        = string
  default     = "europe-west1"
}

variable "firestore_location" {
  description = "Firestore database location (a region or multi-region such as eur3 / nam5). Cannot be changed later."
  type        = string
  default     = "eur3"
}

variable "app_domain" {
  description = "DNS name users open the app on (an A record to the output app_ip). The app's ingress only accepts the load balancer."
  type        = string
}

variable "iap_members" {
  description = "Principals allowed through IAP to the app, e.g. [\"user:alice@example.com\", \"group:billing-users@example.com\"]."
  type        = list(string)
  default     = []
}

variable "stripe_livemode" {
  description = "true in production (live keys). Every deployable is told this mode: the webhook refuses events of the other mode, and the app and functions refuse to start with a STRIPE_SECRET_KEY of the other mode."
  type        = bool
  default     = false
}

variable "stripe_price_ids" {
  description = "JSON map of plan catalog lookup key -> Stripe price id, e.g. {\"pro_month\":\"price_123\"}."
  type        = string
}

variable "admin_emails" {
  description = "Emails (as IAP asserts them) that may open the app's admin revenue view at /admin. Empty: nobody. They must also pass IAP (iap_members)."
  type        = list(string)
  default     = []
}

variable "service_accounts" {
  description = "Service account emails of the team's own services that may call the service API (/v1/check, /v1/track, /v1/accounts) with a Google-signed ID token for the app's URL."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for e in var.service_accounts : can(regex("^[^@\\s]+@[^@\\s]+\\.iam\\.gserviceaccount\\.com$", e))])
    error_message = "Each entry is a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "checkout_promotion_codes" {
  description = "Show a promotion code field in Stripe Checkout (the codes are created in the Stripe Dashboard)."
  type        = bool
  default     = false
}

variable "alert_emails" {
  description = "Emails notified by the alert policies (monitoring.tf). Empty: incidents only show in the console."
  type        = list(string)
  default     = []
}

variable "applier_backlog_alert_seconds" {
  description = "Alert when the oldest Stripe event not yet applied is older than this (seconds)."
  type        = number
  default     = 900
}

variable "http_5xx_percent_alert" {
  description = "Alert when more than this percentage of the webhook's or the app's requests answer 5xx over 5 minutes."
  type        = number
  default     = 5

  validation {
    condition     = var.http_5xx_percent_alert > 0 && var.http_5xx_percent_alert < 100
    error_message = "A percentage between 0 and 100."
  }
}

variable "event_applied_slo_ms" {
  description = "SLO on event-applied latency, end to end: a Stripe event counts as good when the applier applied it within this many milliseconds of Stripe creating it (the applyLagMs field of stripe_event.applied). Must be one of the bucket bounds of local.apply_lag_bucket_bounds_ms (log_metrics.tf), so the SLO counts exactly."
  type        = number
  default     = 30000
}

variable "event_applied_slo_goal" {
  description = "Share of Stripe events that must be applied within event_applied_slo_ms of their creation, over a rolling 28 days."
  type        = number
  default     = 0.99

  validation {
    condition     = var.event_applied_slo_goal > 0 && var.event_applied_slo_goal < 1
    error_message = "An SLO goal is a fraction between 0 and 1 (exclusive)."
  }
}

variable "audit_dataset_location" {
  description = "BigQuery location of the audit log dataset (audit_log.tf), e.g. EU or US. Cannot be changed later."
  type        = string
  default     = "EU"
}

variable "firestore_backup_retention_days" {
  description = "Days each daily Firestore backup is kept (Firestore allows up to 98, i.e. 14 weeks). Point-in-time recovery covers the last 7 days on its own."
  type        = number
  default     = 98

  validation {
    condition     = var.firestore_backup_retention_days >= 1 && var.firestore_backup_retention_days <= 98
    error_message = "Firestore keeps a scheduled backup for 1 to 98 days."
  }
}

variable "bootstrap_image" {
  description = "Image used for the first revision before Cloud Build has pushed ours (public sample that listens on $PORT)."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "functions_source_dir" {
  description = "The prepared function source (npm run build writes functions/deploy/), zipped for the first deployment."
  type        = string
  default     = "../../functions/deploy"
}

variable "dead_letter_max_delivery_attempts" {
  description = "Deliveries of one Stripe event to the applier before it is dead-lettered (Pub/Sub allows 5-100)."
  type        = number
  default     = 10
}

variable "webhook_scaling" {
  description = "Webhook Cloud Run scaling and sizing."
  type = object({
    min_instances = number
    max_instances = number
    concurrency   = number
    cpu           = string
    memory        = string
  })
  default = { min_instances = 1, max_instances = 20, concurrency = 80, cpu = "1", memory = "512Mi" }
}

variable "app_scaling" {
  description = "App Cloud Run scaling and sizing."
  type = object({
    min_instances = number
    max_instances = number
    concurrency   = number
    cpu           = string
    memory        = string
  })
  default = { min_instances = 0, max_instances = 10, concurrency = 80, cpu = "1", memory = "512Mi" }
}

variable "applier_scaling" {
  description = "Event applier function scaling. Concurrency > 1 is safe: every apply is one Firestore transaction guarded by the ledger and version checks."
  type = object({
    min_instances = number
    max_instances = number
    concurrency   = number
    memory        = string
  })
  default = { min_instances = 0, max_instances = 20, concurrency = 16, memory = "512Mi" }
}

variable "log_level" {
  description = "LOG_LEVEL for every deployable."
  type        = string
  default     = "info"
}

variable "tracing" {
  description = "TRACING for every deployable: cloud-trace (spans exported to Cloud Trace; the runtime service accounts get roles/cloudtrace.agent), console (spans printed to the logs), or off (no OpenTelemetry loaded, no grant)."
  type        = string
  default     = "cloud-trace"

  validation {
    condition     = contains(["off", "console", "cloud-trace"], var.tracing)
    error_message = "TRACING is off, console or cloud-trace (shared/src/tracing/start-tracing.ts)."
  }
}

variable "edge_requests_per_minute_per_authorization" {
  description = "Cloud Armor ceiling at the load balancer: requests per minute per API key (per Authorization header value), whichever app instances serve them. Keep it above the highest plan's rateLimitPerMinute (shared/src/plans/catalog.ts), which the app enforces per user per instance."
  type        = number
  default     = 12000

  validation {
    condition     = var.edge_requests_per_minute_per_authorization >= 1 && var.edge_requests_per_minute_per_authorization <= 1000000
    error_message = "A Cloud Armor throttle threshold is 1 to 1,000,000 requests per interval."
  }
}

variable "edge_requests_per_minute_per_client_ip" {
  description = "Cloud Armor ceiling at the load balancer: requests per minute per client IP, for requests without an Authorization header (browsers, calls without a key). Raise it if many users share one IP (a corporate NAT)."
  type        = number
  default     = 3000

  validation {
    condition     = var.edge_requests_per_minute_per_client_ip >= 1 && var.edge_requests_per_minute_per_client_ip <= 1000000
    error_message = "A Cloud Armor throttle threshold is 1 to 1,000,000 requests per interval."
  }
}
