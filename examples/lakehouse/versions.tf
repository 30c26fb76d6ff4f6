terraform {
  required_version = ">= 1.0"
  required_providers {
    maxcompute = {
      source  = "lakehouse/maxcompute"
      version = "~> 0.1"
    }
  }
}
