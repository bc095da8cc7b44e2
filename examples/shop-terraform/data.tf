resource "aws_dynamodb_table" "orders" {
  name         = "${local.prefix}-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_s3_bucket" "receipts" {
  bucket = "${local.prefix}-receipts"
}

resource "aws_s3_bucket_public_access_block" "receipts" {
  bucket                  = aws_s3_bucket.receipts.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_sqs_queue" "emails" {
  name                       = "${local.prefix}-emails"
  visibility_timeout_seconds = 30
}

resource "aws_lambda_event_source_mapping" "emails" {
  event_source_arn = aws_sqs_queue.emails.arn
  function_name    = aws_lambda_function.checkout.arn
}
