"""What each function needs: SDK calls in its code, its triggers, the platform, CloudTrail.

See docs/permissions.md. Modules: ``sdk_map`` (the generated SDK-to-IAM table), ``python_sdk``
and ``js_sdk`` (SDK calls in code), ``scope`` (resource ARNs), ``platform`` (needs without code),
``compute`` (all needs of a function), ``compare`` (granted versus needed), ``policy`` (the
least-privilege document), ``analyzer`` (the ``permissions.unused-grant`` findings).
"""
