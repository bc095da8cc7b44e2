"""Variable resolution: sources, fallbacks, nesting, types, and what stays Unknown."""

from __future__ import annotations

from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.serverless.variables import Resolver
from faasguard.loaders.yaml_safe import parse_yaml
from faasguard.model import EnvVar, Location, Unknown

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "serverless"


def _env(app, name: str) -> EnvVar:
    var = app.functions[0].env(name)
    assert var is not None
    return var


def _resolve(root: Path, text: str, **options: object):
    (root / "serverless.yml").write_text(text)
    doc = parse_yaml(text, "serverless.yml").data
    resolver = Resolver(
        doc, fs=ScanFS(root), template="serverless.yml", options=LoadOptions(**options)
    )
    return resolver.resolve_document(), resolver


def test_defaults_nested_and_recursive_references(sls_app):
    app = sls_app("variables")
    assert (app.name, app.stage, app.region) == ("orders", "dev", "eu-west-1")
    assert app.functions[0].memory == 512  # ${self:custom.sizes.dev, 512}: fallback, an int
    assert [(v.name, v.value, v.raw) for v in app.functions[0].environment[:8]] == [
        ("TABLE", "orders-dev-orders", "${self:custom.tables.${sls:stage}.name}"),
        ("STAGE_FROM_SELF", "dev", "${self:provider.stage}"),
        (
            "QUEUE_URL",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
            "https://sqs.${self:provider.region}.amazonaws.com/${self:custom.accountId}/jobs",
        ),
        ("MAX_ITEMS", "25", "${self:custom.maxItems}"),
        (
            "FALLBACK_NESTED",
            "orders-default",
            "${self:custom.missing, ${self:custom.fallbackName}}",
        ),
        ("FALLBACK_OLD_STYLE", "orders", "${opt:label, self:service}"),
        ("DOMAIN", "example.com", "${param:domain}"),
        ("DEBUG", "false", "${strToBool(${self:custom.debug})}"),
    ]
    assert _env(app, "TABLE") == EnvVar(
        name="TABLE",
        value="orders-dev-orders",
        location=Location("serverless.yml", 17),
        origin="provider",
        raw="${self:custom.tables.${sls:stage}.name}",
    )


def test_options_select_the_stage_and_region(sls_app):
    app = sls_app("variables", stage="prod", region="us-west-2")
    assert (app.stage, app.region) == ("prod", "us-west-2")
    assert app.functions[0].memory == 2048
    assert _env(app, "TABLE").value == "orders-prod"
    assert _env(app, "DOMAIN").value == "prod.example.com"
    assert _env(app, "QUEUE_URL").value == ("https://sqs.us-west-2.amazonaws.com/123456789012/jobs")


def test_deploy_time_sources_stay_unknown_with_their_expression(sls_app):
    app = sls_app("variables")
    assert _env(app, "DB_PASSWORD") == EnvVar(
        name="DB_PASSWORD",
        value=Unknown(
            "${ssm:/orders/${sls:stage}/db-password}", "SSM parameter, resolved at deploy time"
        ),
        location=Location("serverless.yml", 25),
        origin="provider",
        raw="${ssm:/orders/${sls:stage}/db-password}",
    )
    assert _env(app, "INSTANCE").value == Unknown("${sls:instanceId}", "generated per deployment")
    assert _env(app, "ACCOUNT").value == Unknown(
        "${aws:accountId}", "AWS account value, resolved at deploy time"
    )


def test_cloudformation_placeholders_are_not_serverless_variables(sls_app):
    var = _env(sls_app("variables"), "REGION_SUB")
    assert (var.value, var.raw) == (
        "arn:aws:sqs:eu-west-1:orders",
        "!Sub arn:${AWS::Partition}:sqs:${AWS::Region}:orders",
    )


def test_whole_variable_keeps_its_type_and_embedded_ones_interpolate(tmp_path):
    doc, resolver = _resolve(
        tmp_path,
        "service: s\n"
        "custom:\n"
        "  n: 25\n"
        "  flag: true\n"
        "  map: {a: 1}\n"
        "  whole_int: ${self:custom.n}\n"
        "  whole_map: ${self:custom.map}\n"
        "  text: n=${self:custom.n} flag=${self:custom.flag}\n"
        "  literal_int: ${opt:nothing, 10}\n"
        "  literal_bool: ${opt:nothing, false}\n"
        "  literal_null: ${opt:nothing, null}\n"
        "  map_in_text: x-${self:custom.map}\n"
        "  unknown_part: a-${ssm:/p}-b\n",
    )
    custom = doc["custom"]
    assert custom["whole_int"] == 25
    assert custom["whole_map"] == {"a": 1}
    assert custom["text"] == "n=25 flag=true"
    assert (custom["literal_int"], custom["literal_bool"]) == (10, False)
    assert custom["literal_null"] is None
    assert custom["map_in_text"] == Unknown(
        "x-${self:custom.map}", "a mapping or list cannot be embedded in a string"
    )
    assert custom["unknown_part"] == Unknown(
        "a-${ssm:/p}-b", "SSM parameter, resolved at deploy time"
    )
    assert resolver.issues == []


def test_missing_value_without_fallback_is_unknown_and_reported(tmp_path):
    doc, resolver = _resolve(tmp_path, "service: s\ncustom:\n  x: ${self:custom.typo}\n")
    assert doc["custom"]["x"] == Unknown(
        "${self:custom.typo}", "variable has no value and no fallback"
    )
    assert [(i.kind.value, i.message, i.location) for i in resolver.issues] == [
        (
            "unresolved",
            "${self:custom.typo} has no value and no fallback; Serverless would refuse to deploy",
            Location("serverless.yml", 3),
        )
    ]


def test_opt_stage_without_option_uses_the_fallback_and_sls_stage_defaults_to_dev(tmp_path):
    doc, _ = _resolve(
        tmp_path,
        "service: s\nprovider:\n  name: aws\ncustom:\n  a: ${opt:stage, 'qa'}\n  b: ${sls:stage}\n",
    )
    assert (doc["custom"]["a"], doc["custom"]["b"]) == ("qa", "dev")


def test_variables_in_included_files_resolve_against_the_main_document(sls_app):
    app = sls_app("variables")
    assert app.functions[0].env("TABLE") is not None
    text = (FIXTURES / "variables" / "serverless.yml").read_text()
    doc = parse_yaml(text, "serverless.yml").data
    resolver = Resolver(
        doc,
        fs=ScanFS(FIXTURES / "variables"),
        template="serverless.yml",
        options=LoadOptions(),
    )
    custom = resolver.resolve_document()["custom"]
    assert custom["logLevel"] == "info"
    assert custom["settings"] == {"log": {"level": "info"}, "defaults": {"level": "info"}}
    assert resolver.file_of(custom["settings"]) == "config/settings.yml"
    assert resolver.location(custom["settings"]["log"], "level") == Location(
        "config/settings.yml", 2
    )
    assert resolver.raw_text(custom["settings"]["log"], "level") == (
        "${self:custom.settings.defaults.level}"
    )


def test_env_is_not_resolved_unless_asked(tmp_path):
    text = "service: s\ncustom:\n  home: ${env:APP_HOME}\n  other: ${env:NOT_SET, 'fb'}\n"
    doc, resolver = _resolve(tmp_path, text)
    assert doc["custom"]["home"] == Unknown(
        "${env:APP_HOME}", "env not resolved; pass --resolve-env"
    )
    assert doc["custom"]["other"] == Unknown(
        "${env:NOT_SET, 'fb'}", "env not resolved; pass --resolve-env"
    )
    assert resolver.issues == []
    doc, _ = _resolve(tmp_path, text, resolve_env=True, env={"APP_HOME": "/srv/app"})
    assert (doc["custom"]["home"], doc["custom"]["other"]) == ("/srv/app", "fb")


def test_invalid_syntax_is_reported_not_raised(tmp_path):
    doc, resolver = _resolve(
        tmp_path, "service: s\ncustom:\n  a: ${opt:stage, dev}\n  b: ${self:custom\n"
    )
    assert doc["custom"]["a"] == Unknown("${opt:stage, dev}", "invalid variable syntax")
    assert doc["custom"]["b"] == Unknown("${self:custom", "invalid variable syntax")
    assert [(i.kind.value, i.location.line) for i in resolver.issues] == [
        ("parse-error", 3),
        ("parse-error", 4),
    ]
    assert resolver.issues[0].message.startswith(
        "invalid variable in '${opt:stage, dev}': invalid fallback 'dev'"
    )
