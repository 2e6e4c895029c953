"""The OpenAPI schema builds without warnings, and each ledger's choice field names its own choice set."""
from django.core.management import call_command

from parkledger.core.kinds import kind_models


def test_the_schema_builds_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_each_choice_field_references_its_own_enum(tmp_path):
    import yaml

    path = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(path))
    schemas = yaml.safe_load(path.read_text())["components"]["schemas"]
    checked = 0
    for model in kind_models().values():
        component = schemas.get(model.__name__)
        if not component:
            continue
        for field in model._meta.concrete_fields:
            if not field.choices or field.name not in component["properties"]:
                continue
            prop = component["properties"][field.name]
            refs = [part["$ref"] for part in prop.get("allOf", prop.get("oneOf", [prop])) if "$ref" in part]
            enum = schemas[refs[0].rsplit("/", 1)[1]]["enum"]
            assert set(enum) - {"", None} == {str(value) for value, _ in field.choices}, (model, field.name)
            checked += 1
    assert checked >= 20
