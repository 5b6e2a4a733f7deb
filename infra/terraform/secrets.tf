# The secrets exist here; their values never do. Add versions with gcloud (infra/README.md
# "Deploy", step 3), so no secret ever reaches Terraform state, variables or the repository.
#   stripe-secret-key      sk_live_... / sk_test_... (or a restricted key rk_...)
#   stripe-webhook-secret  comma-separated whsec_... list: the webhook accepts every secret in it,
#                          which is how the signing secret rotates without losing events.
locals {
  secrets = {
    stripe_secret_key     = "stripe-secret-key"
    stripe_webhook_secret = "stripe-webhook-secret"
  }
}

resource "google_secret_manager_secret" "secret" {
  for_each  = local.secrets
  secret_id = each.value

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}
