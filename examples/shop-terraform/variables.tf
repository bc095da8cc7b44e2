variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "stage" {
  type    = string
  default = "dev"
}

variable "payment_api_key" {
  type    = string
  default = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr"
}
