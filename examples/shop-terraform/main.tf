# Example shop written in Terraform. Every flaw here is deliberate and listed in
# docs/example.md with the finding faasguard reports for it.

locals {
  prefix = "shop-${var.stage}"
}

data "archive_file" "checkout" {
  type        = "zip"
  source_dir  = "${path.module}/src/checkout"
  output_path = "${path.module}/build/checkout.zip"
}

resource "aws_lambda_function" "checkout" {
  function_name    = "${local.prefix}-checkout"
  filename         = data.archive_file.checkout.output_path
  source_code_hash = data.archive_file.checkout.output_base64sha256
  handler          = "app.handler"
  runtime          = "python3.9"
  role             = aws_iam_role.checkout.arn
  timeout          = 60

  environment {
    variables = {
      ORDERS_TABLE    = aws_dynamodb_table.orders.name
      PAYMENT_API_KEY = var.payment_api_key
    }
  }
}

resource "aws_lambda_function_url" "checkout" {
  function_name      = aws_lambda_function.checkout.function_name
  authorization_type = "NONE"

  cors {
    allow_origins = ["*"]
  }
}

resource "aws_iam_role" "checkout" {
  name = "${local.prefix}-checkout"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

data "aws_iam_policy_document" "checkout" {
  statement {
    actions   = ["dynamodb:*"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "checkout" {
  role   = aws_iam_role.checkout.id
  policy = data.aws_iam_policy_document.checkout.json
}

resource "aws_lambda_permission" "anyone" {
  statement_id  = "AllowAnyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.checkout.function_name
  principal     = "*"
}
