terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.30"
    }
    # The Firebase project link and the service identities (service agents) are beta resources in
    # the 6.x line. (IAP is on the load balancer's backend service, which is GA.)
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 6.30"
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
