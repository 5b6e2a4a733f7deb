# Audit lines to BigQuery, for long-term analysis of who did what in the operator console. The
# durable record is the audit collection in Firestore (issue 21); this sink copies every line the
# code logs with event "admin.audit" into a dataset that outlives Cloud Logging's retention and can
# be queried with SQL. The sink writes with its own identity (unique_writer_identity), which is
# granted data editor on this dataset only.

resource "google_bigquery_dataset" "audit" {
  dataset_id    = "billing_audit"
  friendly_name = "Billing operator audit log"
  description   = "Lines logged with jsonPayload.event=\"admin.audit\", copied by the Cloud Logging sink billing-audit (infra/terraform/audit_log.tf)."
  location      = var.audit_dataset_location

  # Audit history is never deleted with the configuration.
  delete_contents_on_destroy = false

  depends_on = [google_project_service.apis]
}

resource "google_logging_project_sink" "audit" {
  name        = "billing-audit"
  description = "Operator console audit lines to BigQuery."
  destination = "bigquery.googleapis.com/projects/${var.project_id}/datasets/${google_bigquery_dataset.audit.dataset_id}"
  filter      = "jsonPayload.event=\"admin.audit\""

  unique_writer_identity = true

  # One table per log, partitioned by day (cheaper scans of a date range than date-sharded tables).
  bigquery_options {
    use_partitioned_tables = true
  }
}

resource "google_bigquery_dataset_iam_member" "audit_sink_writer" {
  dataset_id = google_bigquery_dataset.audit.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_logging_project_sink.audit.writer_identity
}
