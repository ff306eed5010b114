"""Turn the OpenAPI schema into plain data for the server-rendered reference page."""

import json

METHOD_ORDER = ["get", "post", "put", "patch", "delete"]


def _resolve(schema: dict, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema.get("components", {}).get("schemas", {}).get(name, {})
    return node


def _type_of(schema: dict, node) -> str:
    if not isinstance(node, dict):
        return ""
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in node:
        return " | ".join(_type_of(schema, option) for option in node["anyOf"])
    if node.get("type") == "array":
        return f"list of {_type_of(schema, node.get('items', {}))}"
    if "enum" in node:
        return " | ".join(json.dumps(value) for value in node["enum"])
    if "const" in node:
        return json.dumps(node["const"])
    return node.get("type", "any")


def _body_name(schema: dict, content: dict) -> str:
    for media in content.values():
        return _type_of(schema, media.get("schema", {}))
    return ""


def build(schema: dict) -> dict:
    """{"operations": [...], "schemas": [...]} in the order a reader wants them."""
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method in sorted(
            methods, key=lambda m: METHOD_ORDER.index(m) if m in METHOD_ORDER else 9
        ):
            op = methods[method]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": op.get("operationId", f"{method}-{path}"),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "auth": "write token or session"
                    if op.get("security") and any("WriteAuth" in item for item in op["security"])
                    else "public",
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type_of(schema, p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _body_name(schema, op.get("requestBody", {}).get("content", {})),
                    "responses": [
                        {
                            "status": status,
                            "type": _body_name(schema, response.get("content", {})),
                            "description": response.get("description", ""),
                        }
                        for status, response in op.get("responses", {}).items()
                    ],
                }
            )
    schemas = []
    for name, node in sorted(schema.get("components", {}).get("schemas", {}).items()):
        node = _resolve(schema, node)
        required = set(node.get("required", []))
        schemas.append(
            {
                "name": name,
                "fields": [
                    {
                        "name": field,
                        "type": _type_of(schema, spec),
                        "required": field in required,
                        "description": spec.get("description", ""),
                    }
                    for field, spec in node.get("properties", {}).items()
                ],
            }
        )
    return {"operations": operations, "schemas": schemas, "title": schema["info"]["title"]}
