"""Dependency rules (FG3xxx): what a function ships besides its own code.

These rules have no ``check`` over the model: the dependency analyzer
(:mod:`faasguard.deps.analyzer`) reads manifests, lockfiles and build artifacts, matches them
against OSV data and creates their findings. They are listed here so every dependency finding
has an id, a severity, a category and documentation like any other rule.
"""

from __future__ import annotations

from faasguard.findings import Confidence, Severity
from faasguard.rules.interface import Rule, ToolRule

__all__ = ["RULES", "UnpinnedDependency", "VulnerableDependency"]


class VulnerableDependency(ToolRule):
    """A library the function ships has a known vulnerability.

    ## What it does
    Matches every package a function ships (from its lockfile, its manifest's exact pins, or
    what its build folder or deployment zip really contains) against OSV records for PyPI and
    npm. Records describing the same vulnerability (a PYSEC id, its GHSA and CVE aliases) are
    merged into one finding. The finding names the package, version, manifest line, every id,
    the fix versions, and whether the handler's import closure imports the package. The
    finding's severity is the vulnerability's (from its CVSS score when present, else medium).

    One finding is reported per manifest, package and vulnerability; when several functions
    ship the same manifest, the message lists them, and `function` is set when exactly one
    does. Packages the handler imports are ranked first; packages it does not import are still
    reported, since they are shipped and may be imported indirectly.

    ## Why is this bad?
    The platform patches the operating system and the runtime, never the libraries in your
    deployment package. A function with 25 lines of its own code often ships 100,000 lines of
    libraries, and an attacker needs only one vulnerable code path reachable from an event.

    ## Example
    ```text
    # requirements.txt
    PyYAML==5.3.1        # CVE-2020-14343: arbitrary code execution in full_load
    ```

    ## Use instead
    ```text
    PyYAML==6.0.2
    ```
    Upgrade to the version the remediation names: the smallest one that fixes every known
    vulnerability of that package. Keep the vulnerability data fresh (`faasguard db update`).

    ## References
    - OSV schema: https://ossf.github.io/osv-schema/
    - OWASP Top 10 A06:2021, Vulnerable and Outdated Components
    - CWE-1395: Dependency on Vulnerable Third-Party Component
    """

    id = "FG3001"
    name = "vulnerable-dependency"
    category = "dependencies.vulnerable"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-1395"
    title = "Known vulnerability in a shipped library"


class UnpinnedDependency(ToolRule):
    """A dependency is declared without an exact version and no lockfile pins it.

    ## What it does
    Reports requirements that pin nothing (`requests`, `Jinja2>=2.10`, `^4.17.0`, a Git URL)
    in `requirements*.txt`, `pyproject.toml` or `package.json` when no lockfile next to the
    manifest pins the same ecosystem.

    ## Why is this bad?
    Every build may ship a different version: a compromised or broken release reaches
    production without a code change, builds cannot be reproduced, and vulnerability matching
    cannot say what is really deployed.

    ## Example
    ```text
    Jinja2>=2.10
    ```

    ## Use instead
    ```text
    Jinja2==3.1.4
    ```
    Or commit a lockfile (`poetry.lock`, `uv.lock`, `package-lock.json`, `pip-compile` output)
    and build from it.

    ## References
    - pip: repeatable installs: https://pip.pypa.io/en/stable/topics/repeatable-installs/
    - npm ci: https://docs.npmjs.com/cli/commands/npm-ci
    - CWE-1357: Reliance on Insufficiently Trustworthy Component
    """

    id = "FG3002"
    name = "unpinned-dependency"
    category = "dependencies.unpinned"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = "CWE-1357"
    title = "Dependency not pinned to an exact version"


RULES: tuple[type[Rule], ...] = (VulnerableDependency, UnpinnedDependency)
