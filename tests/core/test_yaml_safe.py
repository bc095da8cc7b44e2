import pytest

from faasguard.errors import ParseError
from faasguard.loaders.yaml_safe import (
    MAX_DEPTH,
    YamlMap,
    YamlSeq,
    line_of,
    parse_json,
    parse_yaml,
)


def test_lines_dates_and_cfn_short_tags():
    text = (
        "AWSTemplateFormatVersion: 2010-09-09\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Role: !GetAtt Role.Arn\n"
        "      Name: !Sub '${AWS::StackName}-fn'\n"
        "      Env: !If [IsProd, !Ref Prod, !Ref AWS::NoValue]\n"
        "      Cond: !Condition IsProd\n"
        "      Flag: yes\n"
    )
    doc = parse_yaml(text, "t.yaml")
    assert doc.warnings == ()
    assert doc.data["AWSTemplateFormatVersion"] == "2010-09-09"
    props = doc.data["Resources"]["Fn"]["Properties"]
    assert props == {
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Name": {"Fn::Sub": "${AWS::StackName}-fn"},
        "Env": {"Fn::If": ["IsProd", {"Ref": "Prod"}, {"Ref": "AWS::NoValue"}]},
        "Cond": {"Condition": "IsProd"},
        "Flag": True,
    }
    assert isinstance(props, YamlMap)
    assert props.line == 6
    assert line_of(props, "Env") == 8
    assert line_of(doc.data["Resources"], "Fn") == 3


def test_sequence_item_lines():
    doc = parse_yaml("a:\n  - x\n  - y: 1\n", "s.yml")
    seq = doc.data["a"]
    assert isinstance(seq, YamlSeq)
    assert seq == ["x", {"y": 1}]
    assert seq.item_lines == [2, 3]
    assert line_of(seq, 1) == 3


def test_merge_keys_explicit_wins():
    doc = parse_yaml("base: &b\n  a: 1\n  b: 2\nfn:\n  <<: *b\n  b: 3\n", "m.yml")
    assert doc.data["fn"] == {"a": 1, "b": 3}


def test_duplicate_key_is_a_warning_with_both_lines():
    doc = parse_yaml("functions:\n  a: 1\n  b: 2\n  a: 3\n", "d.yml")
    assert doc.data["functions"] == {"a": 3, "b": 2}
    assert doc.warnings == (
        (
            4,
            "duplicate key 'a' (first at line 2): the earlier value is silently discarded "
            "by YAML loaders",
        ),
    )


def test_python_object_tag_is_refused_with_line():
    with pytest.raises(ParseError) as err:
        parse_yaml("ok: 1\nx: !!python/object/apply:os.system ['id']\n", "evil.yml")
    assert str(err.value).startswith("evil.yml:2: YAML tag 'tag:yaml.org,2002:python/object/")


def test_unknown_custom_tag_is_refused():
    with pytest.raises(ParseError) as err:
        parse_yaml("x: !Include other.yml\n", "c.yml")
    assert str(err.value) == (
        "c.yml:1: YAML tag '!Include' is not allowed (only plain YAML and "
        "CloudFormation short tags are read)"
    )


def test_alias_bomb_is_refused():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(ParseError) as err:
        parse_yaml("\n".join(lines) + "\n", "bomb.yml")
    assert "document expands to more than 2000000 nodes (a YAML alias bomb?)" in str(err.value)
    assert str(err.value).startswith("bomb.yml:")


def test_recursive_alias_and_deep_nesting_are_refused():
    with pytest.raises(ParseError) as err:
        parse_yaml("a: &a [*a]\n", "rec.yml")
    assert f"nesting deeper than {MAX_DEPTH} levels" in str(err.value)
    with pytest.raises(ParseError) as err:
        parse_yaml("x: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yml")
    assert (
        str(err.value)
        == "deep.yml:1: flow collections nest deeper than 1000 levels; the file was not read"
    )


def test_invalid_yaml_names_file_and_line():
    with pytest.raises(ParseError) as err:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yml")
    assert str(err.value) == "bad.yml:3: invalid YAML: did not find expected ',' or ']'"


def test_empty_document_is_none():
    assert parse_yaml("", "e.yml").data is None
    assert parse_yaml("# only a comment\n", "e.yml").data is None


def test_json_with_lines_and_fallback():
    doc = parse_json('{\n  "Resources": {\n    "A": {"Type": "X"}\n  }\n}\n', "t.json")
    assert doc.data["Resources"]["A"] == {"Type": "X"}
    assert line_of(doc.data["Resources"], "A") == 3
    # A key over 1024 characters is valid JSON but not a YAML simple key: no lines then.
    long_key = "k" * 1100
    doc = parse_json(f'{{"a": 1, "a": 2, "{long_key}": 3}}', "long.json")
    assert doc.data == {"a": 2, long_key: 3}
    assert doc.warnings == (
        (None, "duplicate key 'a': the earlier value is silently discarded by JSON loaders"),
    )


def test_invalid_json_names_line():
    with pytest.raises(ParseError) as err:
        parse_json('{\n\t"a": 1,\n\t"b": \n}', "bad.json")
    assert str(err.value) == "bad.json:4: invalid JSON: Expecting value (column 1)"
