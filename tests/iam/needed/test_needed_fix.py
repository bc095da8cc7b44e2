"""--fix: Serverless (with and without the per-function roles plugin), SAM and CloudFormation.

Each patched template must load again, keep its comments, give every judged function a role of
its own, and leave those functions no unused grant.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.fix.plan import FixError, plan_fix, unified_diff, write_fix
from faasguard.iam.needed.analyzer import function_permissions
from tests.iam.needed.conftest import load


def _fix(root: Path, template: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    app, fs = load(root, template)
    plan = plan_fix(app, function_permissions(app, fs), fs)
    write_fix(plan, fs)
    return plan.original, plan.patched, plan.changed, plan.kept


def _after(
    root: Path, template: str
) -> dict[str, tuple[str | None, tuple[object, ...], tuple[str, ...]]]:
    app, fs = load(root, template)  # asserts the patched template loads without issues
    return {
        p.function.name: (p.role, p.unused, p.shared_with()) for p in function_permissions(app, fs)
    }


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_sam_functions_get_policies_of_their_own(fixture_copy: Callable[[str], Path]) -> None:
    root = fixture_copy("sam_orders")
    before, after, changed, kept = _fix(root, "template.yaml")
    assert (
        changed == ("ReaderFunction", "ReaderFullAccessFunction", "ExportFunction") and kept == ()
    )
    assert (root / "template.yaml").read_text() == after
    assert set(_comments(before)) - set(_comments(after)) == set()  # every comment is kept
    assert "# faasguard: least privilege for ReaderFullAccessFunction" in after
    assert "AmazonDynamoDBFullAccess\n" not in after
    assert _after(root, "template.yaml") == {
        "ReaderFunction": ("ReaderFunctionRole", (), ()),
        "ReaderFullAccessFunction": ("ReaderFullAccessFunctionRole", (), ()),
        "ExportFunction": ("ExportFunctionRole", (), ()),
    }
    # SQSSendMessagePolicy grants exactly what the code sends: it stays; S3CrudPolicy does not.
    assert (
        "      Policies:\n"
        "        - SQSSendMessagePolicy:\n"
        "            QueueName: !GetAtt DoneQueue.QueueName\n"
        "        - Statement:\n"
        "            - Effect: Allow\n"
        "              Action:\n"
        "                - s3:PutObject\n"
        "              Resource:\n"
        "                - !Sub arn:aws:s3:::${ExportBucket}/*\n"
        "\n"
        "  OrdersTable:\n"
    ) in after


def test_serverless_without_the_plugin_gets_a_role_resource_per_function(
    fixture_copy: Callable[[str], Path],
) -> None:
    root = fixture_copy("serverless_shop")
    before, after, changed, kept = _fix(root, "serverless.yml")
    assert changed == ("getOrder", "createOrder") and kept == ()
    assert set(_comments(before)) <= set(_comments(after))
    assert "    handler: src/orders.get_order  # reads one order\n    # faasguard:" in after
    assert _after(root, "serverless.yml") == {
        "getOrder": ("GetOrderLeastPrivilegeRole", (), ()),
        "createOrder": ("CreateOrderLeastPrivilegeRole", (), ()),
    }
    assert (
        "                  Action:\n"
        "                    - dynamodb:PutItem\n"
        "                  Resource:\n"
        "                    - arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/${self:custom.tableName}\n"
    ) in after
    assert (
        "# faasguard: no function uses these shared statements after the least-privilege fix"
        in after
    )


def test_serverless_with_the_plugin_gets_iam_role_statements(
    fixture_copy: Callable[[str], Path],
) -> None:
    root = fixture_copy("serverless_plugin")
    before, after, changed, kept = _fix(root, "serverless.yml")
    assert changed == ("getOrder", "createOrder") and kept == ()
    assert set(_comments(before)) <= set(_comments(after))
    assert (
        "  getOrder:\n"
        "    handler: src/orders.get_order  # reads one order\n"
        "    # faasguard: least privilege for getOrder, from its code, triggers and platform needs\n"
        "    iamRoleStatements:\n"
        "      - Effect: Allow\n"
        "        Action:\n"
        "          - dynamodb:GetItem\n"
        "        Resource:\n"
        "          - arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/${self:custom.tableName}\n"
    ) in after
    assert _after(root, "serverless.yml") == {
        "getOrder": ("GetOrderIamRoleLambdaExecution", (), ()),
        "createOrder": ("CreateOrderIamRoleLambdaExecution", (), ()),
    }


def test_cloudformation_gets_a_new_role_per_function(fixture_copy: Callable[[str], Path]) -> None:
    root = fixture_copy("cfn_plain")
    before, after, changed, kept = _fix(root, "template.yaml")
    assert changed == ("NotifyFunction", "DrainFunction") and kept == ()
    assert set(_comments(before)) <= set(_comments(after))
    assert "      Role: !GetAtt NotifyFunctionLeastPrivilegeRole.Arn\n" in after
    assert "  # faasguard: no function assumes this role after the least-privilege fix" in after
    result = _after(root, "template.yaml")
    assert result == {
        "NotifyFunction": ("NotifyFunctionLeastPrivilegeRole", (), ()),
        "DrainFunction": ("DrainFunctionLeastPrivilegeRole", (), ()),
    }
    # The function's own log group is named without referencing the function (no cycle).
    assert "log-group:/aws/lambda/${AWS::StackName}-NotifyFunction-*:*" in after


def test_dry_run_diff_and_functions_that_cannot_be_judged(
    fixture_copy: Callable[[str], Path],
) -> None:
    root = fixture_copy("serverless_shop")
    orders = root / "src" / "orders.py"
    orders.write_text(
        orders.read_text().replace("return TABLE.get_item(", "return getattr(TABLE, event['op'])(")
    )
    app, fs = load(root, "serverless.yml")
    plan = plan_fix(app, function_permissions(app, fs), fs)
    diff = unified_diff(plan)
    assert diff.startswith("--- a/serverless.yml\n+++ b/serverless.yml\n@@ ")
    assert "+    role: CreateOrderLeastPrivilegeRole\n" in diff
    assert (root / "serverless.yml").read_text() == plan.original  # nothing written
    # getOrder now picks its operation at run time: its needs are unknown, so it keeps the
    # shared role, with a comment saying why, and the shared statements stay uncommented.
    assert plan.changed == ("createOrder",)
    assert plan.kept == (
        "getOrder: src/orders.py:11 getattr(TABLE, event['op']): the dynamodb operation is "
        "chosen at run time",
    )
    assert (
        "+  # faasguard: role kept: src/orders.py:11 getattr(TABLE, event['op']): the dynamodb "
        "operation is chosen at run time\n"
    ) in diff
    assert "no function uses these shared statements" not in diff


def test_refuses_symlinks_and_reports_unparseable_templates(
    fixture_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    root = fixture_copy("sam_orders")
    app, fs = load(root, "template.yaml")
    plan = plan_fix(app, function_permissions(app, fs), fs)
    real = root / "real.yaml"
    (root / "template.yaml").rename(real)
    os.symlink(real, root / "template.yaml")
    with pytest.raises(FixError, match=r"^template.yaml: refusing to write"):
        write_fix(plan, fs)
    assert real.read_text() == plan.original

    (root / "template.yaml").unlink()
    (root / "template.yaml").write_text(
        plan.original + "  ReaderFunction:\n    Type: AWS::SQS::Queue\n"
    )
    with pytest.raises(FixError, match=r"^template.yaml:\d+: cannot be parsed round-trip"):
        plan_fix(app, function_permissions(app, fs), type(fs)(root))


def test_sam_fix_adds_what_sam_does_not_grant_itself(fixture_copy: Callable[[str], Path]) -> None:
    root = fixture_copy("platform")
    _, after, changed, _ = _fix(root, "template.yaml")
    assert changed == ("WorkerFunction",)
    assert (
        "      Policies:\n"
        "        - Statement:\n"
        "            - Effect: Allow\n"
        "              Action:\n"
        "                - kms:Decrypt\n"
        "              Resource:\n"
        "                - !GetAtt EnvKey.Arn\n"
    ) in after
    app, fs = load(root, "template.yaml")
    (perm,) = function_permissions(app, fs)
    assert (perm.unused, perm.missing) == ((), ())


def test_sam_policy_template_used_only_where_it_fits_exactly(
    fixture_copy: Callable[[str], Path],
) -> None:
    root = fixture_copy("sam_secret")
    _, after, changed, _ = _fix(root, "template.yaml")
    assert changed == ("ConnectFunction",)
    assert (
        "      Policies:\n"
        "        - AWSSecretsManagerGetSecretValuePolicy:\n"
        "            SecretArn: !Ref DbSecret\n"
        "        - Statement:\n"
        "            - Effect: Allow\n"
        "              Action:\n"
        "                - dynamodb:PutItem\n"
        "              Resource:\n"
        "                - !Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${SessionsTable}\n"
        "\n"
        "  DbSecret:\n"
    ) in after
    assert "SecretsManagerReadWrite" not in after
    assert _after(root, "template.yaml") == {"ConnectFunction": ("ConnectFunctionRole", (), ())}


def test_sam_function_leaving_a_role_keeps_what_cannot_be_attributed(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      CodeUri: src/\n"
        "      Handler: app.handler\n"
        "      Role: !GetAtt Shared.Arn\n"
        "  Shared:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      AssumeRolePolicyDocument:\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Principal: {Service: lambda.amazonaws.com}\n"
        "            Action: sts:AssumeRole\n"
        "      PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary\n"
        "      ManagedPolicyArns:\n"
        "        - arn:aws:iam::123456789012:policy/team-extras\n"
        "        - arn:aws:iam::aws:policy/AmazonS3FullAccess\n"
    )
    _, after, changed, kept = _fix(tmp_path, "template.yaml")
    assert (changed, kept) == (("Fn",), ())
    assert (
        "      Handler: app.handler\n"
        "      # faasguard: least privilege for Fn, from its code, triggers and platform needs\n"
        "      Policies:\n"
        "        # faasguard: kept: faasguard cannot read this policy, so cannot tell if it is used\n"
        "        - arn:aws:iam::123456789012:policy/team-extras\n"
        "      PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary\n"
    ) in after
    assert "AmazonS3FullAccess" in after.split("  Shared:")[1]  # the role itself is left alone


def test_serverless_role_keeps_customer_managed_policies(
    fixture_copy: Callable[[str], Path],
) -> None:
    root = fixture_copy("serverless_shop")
    template = root / "serverless.yml"
    template.write_text(
        template.read_text().replace(
            "  iam:\n    role:\n",
            "  iam:\n    role:\n      managedPolicies:\n"
            "        - arn:aws:iam::123456789012:policy/shop-extras\n",
        )
    )
    _, after, changed, _ = _fix(root, "serverless.yml")
    assert changed == ("getOrder", "createOrder")
    assert (
        "        AssumeRolePolicyDocument:\n"
        "          Version: '2012-10-17'\n"
        "          Statement:\n"
        "            - Effect: Allow\n"
        "              Principal:\n"
        "                Service: lambda.amazonaws.com\n"
        "              Action: sts:AssumeRole\n"
        "        # faasguard: kept: faasguard cannot read these policies, so cannot tell if they are used\n"
        "        ManagedPolicyArns:\n"
        "          - arn:aws:iam::123456789012:policy/shop-extras\n"
    ) in after


def test_cloudformation_json_is_rewritten_as_json(fixture_copy: Callable[[str], Path]) -> None:
    import json

    root = fixture_copy("cfn_json")
    before, after, changed, kept = _fix(root, "template.json")
    assert (changed, kept) == (("NotifyFunction", "DrainFunction"), ())
    document = json.loads(after)
    assert document["Resources"]["NotifyFunction"]["Properties"]["Role"] == {
        "Fn::GetAtt": ["NotifyFunctionLeastPrivilegeRole", "Arn"]
    }
    policy = document["Resources"]["DrainFunctionLeastPrivilegeRole"]["Properties"]["Policies"][0]
    assert policy["PolicyDocument"]["Statement"][0] == {
        "Effect": "Allow",
        "Action": ["sqs:ReceiveMessage"],
        "Resource": [{"Fn::GetAtt": ["WorkQueue", "Arn"]}],
    }
    # Everything else is byte for byte what it was: the same indentation, the same order.
    kept_lines = [line for line in before.splitlines() if "SharedRole" not in line]
    assert all(line in after.splitlines() for line in kept_lines)
    assert _after(root, "template.json") == {
        "NotifyFunction": ("NotifyFunctionLeastPrivilegeRole", (), ()),
        "DrainFunction": ("DrainFunctionLeastPrivilegeRole", (), ()),
    }


def test_json_with_a_duplicate_key_is_refused(fixture_copy: Callable[[str], Path]) -> None:
    root = fixture_copy("cfn_json")
    app, fs = load(root, "template.json")
    path = root / "template.json"
    path.write_text(
        path.read_text().replace(
            '"Type": "AWS::SNS::Topic"', '"Type": "AWS::SNS::Topic", "Type": "X"'
        )
    )
    with pytest.raises(FixError, match=r"^template.json: duplicate key 'Type'"):
        plan_fix(app, function_permissions(app, fs), type(fs)(root))


def test_functions_defined_through_yaml_anchors_are_left_alone(
    fixture_copy: Callable[[str], Path],
) -> None:
    root = fixture_copy("serverless_shop")
    template = root / "serverless.yml"
    text = template.read_text()
    text = text.replace("  getOrder:\n", "  getOrder: &reader\n").replace(
        "  createOrder:\n    handler: src/orders.create_order\n",
        "  createOrder:\n    <<: *reader\n    handler: src/orders.create_order\n",
    )
    template.write_text(text)
    _, after, changed, kept = _fix(root, "serverless.yml")
    assert changed == ()
    assert kept == (
        "getOrder: it is defined through a YAML anchor or merge key",
        "createOrder: it is defined through a YAML anchor or merge key",
    )
    assert after == text


def test_template_managed_policies_are_judged_not_kept(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      CodeUri: src/\n"
        "      Handler: app.handler\n"
        "      Policies:\n"
        "        - !Ref Broad\n"
        "  Broad:\n"
        "    Type: AWS::IAM::ManagedPolicy\n"
        "    Properties:\n"
        "      PolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Action: s3:*\n"
        "            Resource: '*'\n"
    )
    app, fs = load(tmp_path, "template.yaml")
    (perm,) = function_permissions(app, fs)
    assert perm.unknown == () and {u.entry for u in perm.unused} == {"s3:*"}
    _, after, changed, _ = _fix(tmp_path, "template.yaml")
    assert changed == ("Fn",)
    assert "!Ref Broad" not in after.split("  Broad:")[0]
