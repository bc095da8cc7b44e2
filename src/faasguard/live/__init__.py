"""The live AWS account loader: ``faasguard scan aws://[profile@]region[,region...]``.

``target`` parses the target; ``reader`` reads one region with boto3 (paginated, throttling
retried with backoff by botocore's legacy retry mode, each denied API call kept as a notice);
``build`` turns what was read into the same model the template loaders produce; ``scan`` reads
the regions in parallel and runs the rules. boto3 is imported only for an account scan.
"""
