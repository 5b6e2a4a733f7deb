# Firestore (native mode), its TTL policies, and the Firebase link that lets Cloud Build deploy
# firestore.rules and firestore.indexes.json with firebase-tools.
#
# Ownership: composite indexes and single-field exemptions live in firestore.indexes.json and are
# deployed by `firebase deploy --only firestore:rules,firestore:indexes` (cloudbuild.yaml), so the
# queries and their indexes change in one commit. TTL policies are owned here. firebase-tools only
# touches a field's TTL when the file sets `ttl`, and firestore.indexes.json does not, so the two
# never fight; both declare the same (empty) index config for the TTL fields.

resource "google_firestore_database" "default" {
  name                        = "(default)"
  location_id                 = var.firestore_location
  type                        = "FIRESTORE_NATIVE"
  concurrency_mode            = "PESSIMISTIC"
  app_engine_integration_mode = "DISABLED"
  delete_protection_state     = "DELETE_PROTECTION_ENABLED"
  deletion_policy             = "ABANDON"
  # Any version of the data from the last 7 days can be read back (1-minute snapshots past the
  # first hour): the way back from a bad deploy or a wrong resync, at the cost of storing versions.
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"

  depends_on = [google_project_service.apis]
}

# A daily backup for what is older than point-in-time recovery reaches (restored into a new
# database: infra/README.md "Restore Firestore").
resource "google_firestore_backup_schedule" "daily" {
  database  = google_firestore_database.default.name
  retention = "${var.firestore_backup_retention_days * 86400}s"

  daily_recurrence {}
}

locals {
  # Collection groups with an `expireAt` TTL field (see shared/src/model and shared/src/usage):
  # the event ledger, the per-account usage counters (accounts/{a}/usage), the usage outbox, the
  # usage write receipts, the meter-event reports, team invitations (30 days after they expire) and
  # the service API's track idempotency keys (24 h) and the notification outbox (30 d). TTL deletes are best effort (typically within
  # 24 h of expiry).
  ttl_collections = ["stripe_events", "usage", "usage_outbox", "usage_receipts", "usage_reports", "invitations", "track_keys", "notification_outbox"]
}

resource "google_firestore_field" "ttl" {
  for_each = toset(local.ttl_collections)

  database   = google_firestore_database.default.name
  collection = each.value
  field      = "expireAt"

  ttl_config {}

  # An empty index config exempts the field from single-field indexing: expireAt is a timestamp
  # written on every document, which would otherwise create a hot index range.
  index_config {}
}

# Makes the project a Firebase project so `firebase deploy --only firestore:...` can target it.
resource "google_firebase_project" "default" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.apis]
}
