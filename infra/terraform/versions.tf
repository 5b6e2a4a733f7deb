terraform {
  required_version = ">= 1.6"

  # State lives in a GCS bucket (versioned, so a bad apply can be rolled back to an earlier state
  # file), created once by hand before the first `terraform init`. Partial configuration: the
  # bucket and prefix come from `terraform init -backend-config=...` (infra/README.md, "State"),
  # so no project name is written here.
  backend "gcs" {}

  required_providers {
    # 8.x, the current major. Checked against the 7.0.0 and 8.0.0 upgrade guides: nothing here
    # uses a removed or renamed argument; the defaults that changed are set explicitly
    # (google_project_service.disable_on_destroy, load_balancing_scheme on the backend services and
    # the forwarding rule). The lock file (.terraform.lock.hcl) pins the exact release and its
    # hashes: infra/README.md, "Provider lock file".
    google = {
      source  = "hashicorp/google"
      version = "~> 8.4"
    }
    # The Firebase project link and the service identities (service agents) are beta resources.
    # (IAP is on the load balancer's backend service, which is GA.) Same release line as google.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 8.4"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}
