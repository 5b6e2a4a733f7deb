project_id       = "my-billing-project"
region           = "europe-west1"
app_domain       = "billing.example.com"
iap_members      = ["group:billing-users@example.com"]
admin_emails     = ["finance@example.com"]
alert_emails     = ["oncall@example.com"]
stripe_livemode  = false
stripe_price_ids = "{\"pro_month\":\"price_123\",\"pro_year\":\"price_456\"}"
