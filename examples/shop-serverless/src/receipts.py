"""Receipt handler of the example shop (deliberately insecure: do not deploy)."""

import subprocess


def resize(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    subprocess.run(f"convert /tmp/{key} -resize 200x200 /tmp/thumb.png", shell=True, check=True)
    return {"ok": True}
