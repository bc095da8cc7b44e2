"""Tool rules (FG0xxx): problems the scanner itself reports about its input or its rules.

These rules have no ``check``: the engine creates their findings from loader issues and from
rules that raised. They exist so that every such finding has an id, a severity, a category and
documentation like any other (``faasguard rules --explain FG0001``), and so that a bad file shows
up in the report instead of silently shrinking what was scanned.
"""

from __future__ import annotations

from faasguard.findings import Severity
from faasguard.rules.interface import Rule, ToolRule

__all__ = [
    "RULES",
    "DuplicateKey",
    "MissingConfig",
    "ReferenceOutsideRoot",
    "RuleCrashed",
    "UnparsableFile",
    "UnresolvedReference",
    "UnsafeArchive",
    "UnsupportedApplication",
    "UnsupportedTemplate",
]


class UnparsableFile(ToolRule):
    """A template or a file it references could not be read or parsed.

    ## What it does
    Reported when a file faasguard needed is not valid YAML, JSON or TOML, is not a valid
    template (no `Resources`, no `functions`...), or is larger than the size cap. The message
    starts with the file and line of the problem. Everything the file would have defined is
    missing from the scan.

    ## Why is this bad?
    A file the scanner cannot read is a file it cannot check: every function, role and resource
    in it goes unscanned, so a clean report would be false reassurance. Deployment tools are
    often more lenient than a strict parser (or fail later), so the problem is easy to miss.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      api:
        handler: handler.main
       events:            # indentation error
    ```

    ## Use instead
    ```yaml
    functions:
      api:
        handler: handler.main
        events:
          - httpApi: GET /
    ```
    Fix the file at the reported line; check it with `sam validate`, `cfn-lint` or
    `serverless print`.

    ## References
    - YAML 1.2 specification: https://yaml.org/spec/1.2.2/
    - CWE-20: Improper Input Validation
    """

    id = "FG0001"
    name = "parse-error"
    category = "tool.parse-error"
    severity = Severity.HIGH
    cwe = "CWE-20"
    title = "File could not be parsed"


class ReferenceOutsideRoot(ToolRule):
    """A file reference points outside the scan root and was not followed.

    ## What it does
    Reported when a template includes or references a file (`${file(...)}`, `!Include`,
    a handler or code path, a Terraform `file()`) whose path, after resolving `..` and symbolic
    links, leaves the folder being scanned, including absolute paths and `~`. faasguard does not
    read the file; whatever it would have provided is treated as unknown.

    ## Why is this bad?
    The scanned project is untrusted input (a pull request can change any file). Following
    references out of it would let a template make the scanner read, and copy into its report,
    files such as `~/.aws/credentials` or CI secrets. For the project itself, a template that
    depends on files outside its repository cannot be reviewed or built reproducibly.

    ## Example
    ```yaml
    # serverless.yml
    custom: ${file(../../shared/config.yml)}
    ```

    ## Use instead
    Move the shared file into the repository (or scan from a root that contains both), e.g.
    `custom: ${file(./config/shared.yml)}`.

    ## References
    - OWASP Path Traversal: https://owasp.org/www-community/attacks/Path_Traversal
    - CWE-22: Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')
    """

    id = "FG0002"
    name = "reference-outside-root"
    category = "tool.reference-outside-root"
    severity = Severity.HIGH
    cwe = "CWE-22"
    title = "File reference outside the scan root"


class RuleCrashed(ToolRule):
    """A rule failed on this input; the scan went on without its results.

    ## What it does
    Reported when a rule raised an exception while checking an element. The message names the
    rule, the element and the error. The other rules ran normally; this rule's findings for that
    element are missing. A misconfigured rule option (for example a non-numeric
    `rest_api_limit_seconds`) is reported this way too.

    ## Why is this bad?
    Missing results look exactly like a clean result. Reporting the crash keeps the gap visible
    so that nobody relies on a check that did not run.

    ## Example
    ```text
    rule FG7002 (timeout-exceeds-api-limit) failed on api: ValueError:
    [rules.timeout-exceeds-api-limit] rest_api_limit_seconds must be a positive integer,
    got 'thirty'; its results for this element are missing
    ```

    ## Use instead
    Fix the configuration when the error names an option; otherwise report the message and the
    smallest template that reproduces it to the faasguard maintainers.

    ## References
    - faasguard tool rules: docs/rules/tool.md
    - CWE-755: Improper Handling of Exceptional Conditions
    """

    id = "FG0003"
    name = "rule-crashed"
    category = "tool.rule-crashed"
    severity = Severity.MEDIUM
    cwe = "CWE-755"
    title = "Rule crashed"


class DuplicateKey(ToolRule):
    """A mapping in a template has the same key twice; all but one value are silently lost.

    ## What it does
    Reported for every repeated key in a YAML or JSON mapping of a template, at the line of the
    repetition. faasguard, like most YAML and JSON loaders, keeps the last value.

    ## Why is this bad?
    Real templates silently lose a whole function, event or policy statement to one duplicated
    key: two functions named `api`, a second `Resources:` block, a repeated `Statement`. The
    deployment tool keeps one value without a warning, so what is deployed is not what the
    author reads, and a reviewer approves a permission or an authorizer that does not exist.

    ## Example
    ```yaml
    functions:
      api:
        handler: public.handler
      api:                       # replaces the function above
        handler: admin.handler
    ```

    ## Use instead
    ```yaml
    functions:
      publicApi:
        handler: public.handler
      adminApi:
        handler: admin.handler
    ```

    ## References
    - YAML 1.2: mapping keys must be unique: https://yaml.org/spec/1.2.2/#mapping
    - CWE-694: Use of Multiple Resources with Duplicate Identifier
    """

    id = "FG0004"
    name = "duplicate-key"
    category = "tool.parse-error"
    severity = Severity.MEDIUM
    cwe = "CWE-694"
    title = "Duplicate key in a template"


class UnsupportedTemplate(ToolRule):
    """A template was found that faasguard cannot read statically, so it was skipped.

    ## What it does
    Reported for templates faasguard recognises but cannot analyse without running project
    code or that target a platform it does not cover: `serverless.ts` / `serverless.js`
    (configuration computed by code), Serverless services for a provider other than `aws`, and
    similar. Nothing in them is scanned.

    ## Why is this bad?
    It is not a vulnerability: it says that part of the project was not checked. faasguard
    never runs the scanned project's code, so a configuration produced by code cannot be seen.

    ## Example
    ```ts
    // serverless.ts
    const config: AWS = { service: "orders", functions: { ... } };
    module.exports = config;
    ```

    ## Use instead
    Scan the resolved configuration instead: run `serverless print --format yaml >
    serverless.resolved.yml` in a trusted environment and scan that file, or scan the
    CloudFormation template in `.serverless/` after `serverless package`.

    ## References
    - Serverless Framework `print` command:
      https://www.serverless.com/framework/docs/providers/aws/cli-reference/print
    - faasguard tool rules: docs/rules/tool.md
    """

    id = "FG0005"
    name = "unsupported-template"
    category = "tool.parse-error"
    severity = Severity.INFO
    cwe = None
    title = "Unsupported template skipped"


class UnresolvedReference(ToolRule):
    """A variable or reference could not be resolved, so the values depending on it are unknown.

    ## What it does
    Reported when a template variable cannot be resolved at all: a `${self:...}` or `${opt:...}`
    cycle, a reference to a key that does not exist, a `!Ref` to an undeclared parameter or
    resource. Every value built from it is treated as unknown, and rules say nothing about
    unknown values.

    References that are unknowable by design (`${ssm:...}`, `${env:...}` when environment
    resolution is off, deploy-time attributes) are not reported: only references that are
    broken.

    ## Why is this bad?
    An unknown value can hide a problem: a role whose resource list comes from a broken variable
    is neither flagged nor cleared. A broken reference usually also means the deployment will
    fail or deploy something other than intended.

    ## Example
    ```yaml
    custom:
      tableName: ${self:custom.prefix}-orders
      prefix: ${self:custom.tableName}     # cycle
    ```

    ## Use instead
    ```yaml
    custom:
      prefix: shop-${sls:stage}
      tableName: ${self:custom.prefix}-orders
    ```

    ## References
    - Serverless Framework variables:
      https://www.serverless.com/framework/docs/providers/aws/guide/variables
    - CloudFormation `Ref`:
      https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html
    """

    id = "FG0006"
    name = "unresolved-reference"
    category = "tool.parse-error"
    severity = Severity.LOW
    cwe = None
    title = "Unresolved reference"


class UnsafeArchive(ToolRule):
    """A build folder or deployment archive holds entries faasguard refused to read.

    ## What it does
    Reported when a deployment zip (`.serverless/*.zip`, a layer zip) or a build folder
    (`.aws-sam/build/<Function>/`) contains an entry that escapes the archive (`../` or an
    absolute path), a symbolic link, an entry whose compression ratio marks a zip bomb, more
    entries than the limit, or is not a readable zip at all. The refused entries are not read;
    the rest of the archive still is.

    ## Why is this bad?
    Build tools and CI steps that unpack such an archive can be made to write outside their
    folder (zip slip), follow a link to the runner's secrets, or exhaust disk and memory. In a
    repository, such an archive is a sign of tampering, and whatever it really ships cannot be
    checked.

    ## Example
    A `.serverless/api.zip` with an entry `../../.github/workflows/deploy.yml`.

    ## Use instead
    Rebuild the artifact from source with the framework's own packaging (`serverless package`,
    `sam build`) and do not commit build output. Investigate where the archive came from.

    ## References
    - Zip Slip: https://security.snyk.io/research/zip-slip-vulnerability
    - CWE-22, CWE-409 (improper handling of highly compressed data)
    """

    id = "FG0007"
    name = "unsafe-archive"
    category = "tool.parse-error"
    severity = Severity.HIGH
    cwe = "CWE-22"
    title = "Unsafe entries refused in a build artifact"


class UnsupportedApplication(ToolRule):
    """A whole application is written in a format faasguard does not read, so it was not scanned.

    ## What it does
    Reported once per application (not once per file) for a Pulumi program, an Architect or
    SST app, an AWS CDK app whose `cdk.out` has not been synthesised, or a Terraform root
    module when this installation has no Terraform loader. The message names the folder and,
    where one exists, the command that produces a format faasguard reads (`cdk synth`).

    When a scan finds *only* such applications, `faasguard scan` exits with status 4 instead
    of 0 (docs/cli.md): a security gate must not pass code it never read.

    ## Why is this bad?
    It is not a vulnerability: it says that part of the project was not checked. faasguard
    never runs the scanned project's code, and a Pulumi or CDK program only becomes
    infrastructure when it runs. A clean report would be false reassurance.

    ## Example
    ```text
    infra/
      cdk.json          # {"app": "npx ts-node bin/app.ts"}
      bin/app.ts
      lib/stack.ts      # no cdk.out/ folder
    ```

    ## Use instead
    ```sh
    cd infra && npx cdk synth      # writes cdk.out/*.template.json
    faasguard scan infra
    ```
    For formats with no static output, review the application with a tool for its format,
    and keep faasguard for the parts it reads.

    ## References
    - AWS CDK `cdk synth`: https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-synth.html
    - faasguard exit codes: docs/cli.md
    """

    id = "FG0012"
    name = "unsupported-application"
    category = "tool.parse-error"
    severity = Severity.INFO
    cwe = None
    title = "Application in an unsupported format not scanned"


class BudgetExceeded(ToolRule):
    """A size or work budget was reached, so part of the input was not analysed.

    ## What it does
    Reported when a scanned file makes faasguard do more work than its budgets allow: a string
    built by intrinsic functions past one million characters, more requirements includes than
    one scan follows, more decompressed archive bytes than one scan reads, more files or calls
    than the code analysis follows for one function. The message names the file and the budget;
    the part over the budget is treated as unknown and the rest of the scan goes on.

    ## Why is this bad?
    Budgets keep a scan in CI fast and small whatever a pull request contains: a few kilobytes
    of crafted template once cost gigabytes. Real projects stay far below every budget, so
    reaching one usually means generated or hostile input, and the part not analysed may hide
    something.

    ## Example
    ```yaml
    Value:
      Fn::Sub:
        - "${A}${A}"
        - A: {Fn::Sub: ["${A}${A}", {A: ...}]}   # thirty levels: 2^33 characters
    ```

    ## Use instead
    Remove the generated or hostile construct. If a real project reaches a budget, report it
    with the figures in the message: the budgets are documented in docs/budgets.md.

    ## References
    - CWE-400: Uncontrolled Resource Consumption
    - docs/budgets.md
    """

    id = "FG0020"
    name = "budget-exceeded"
    category = "tool.budget-exceeded"
    severity = Severity.MEDIUM
    cwe = "CWE-400"
    title = "Analysis budget reached; part of the input not analysed"


class MissingConfig(ToolRule):
    """A framework's configuration file is missing, so a sample or the defaults were read.

    ## What it does
    Reported when a project's deployment configuration is not in the scanned folder and
    faasguard read a stand-in: for an AWS Chalice app without `.chalice/config.json`, the
    `config-sample.json` beside it, or Chalice's defaults when there is no config at all. The
    message names what was read.

    ## Why is this bad?
    The findings describe the sample or the defaults, not what is deployed: roles, environment
    variables and stage settings may differ in the real configuration (which is often kept out
    of the repository because it holds secrets, itself a risk).

    ## Example
    ```text
    app.py
    .chalice/config-sample.json     # config.json is in .gitignore
    ```

    ## Use instead
    Commit the configuration without secrets (reference them from SSM or Secrets Manager),
    or scan the copy the deployment pipeline uses.

    ## References
    - AWS Chalice configuration file:
      https://aws.github.io/chalice/topics/configfile.html
    """

    id = "FG0013"
    name = "missing-config"
    category = "tool.parse-error"
    severity = Severity.INFO
    cwe = None
    title = "Configuration missing: a stand-in was read"


class NotDeployed(ToolRule):
    """A function is behind a condition that is false with the parameters given.

    ## What it does
    Reported, at info severity, for each `AWS::Serverless::Function` or
    `AWS::Lambda::Function` whose `Condition` evaluates to false with the template's parameter
    defaults and the `--param` values given. CloudFormation does not create such a function, so
    faasguard does not check it either; this says so instead of leaving it out silently.

    ## Why is this bad?
    It is not a problem in itself. But a function that is deployed in another environment
    (`IsProd` true in production) is then checked nowhere: scan with that environment's
    parameters too.

    ## Example
    ```yaml
    Conditions:
      IsProd: !Equals [!Ref Stage, prod]
    Resources:
      Exporter:
        Type: AWS::Serverless::Function
        Condition: IsProd
    ```

    ## Use instead
    ```sh
    faasguard scan template.yaml --param Stage=prod
    ```

    ## References
    - CloudFormation conditions:
      https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html
    """

    id = "FG0021"
    name = "not-deployed"
    category = "tool.parse-error"
    severity = Severity.INFO
    cwe = None
    title = "Function not deployed with these parameters; not checked"


RULES: tuple[type[Rule], ...] = (
    UnparsableFile,
    ReferenceOutsideRoot,
    RuleCrashed,
    DuplicateKey,
    UnsupportedTemplate,
    UnresolvedReference,
    UnsafeArchive,
    UnsupportedApplication,
    MissingConfig,
    BudgetExceeded,
    NotDeployed,
)
