"""Services (GeoReport's request types) are the categories of the reference data (pure).

A category may carry `attributes`: the extra questions an Open311 client asks for that service
(a lamp post's number, the kind of road damage). Their answers are checked here and written
into the complaint's text as labelled lines, so officers read them where they read the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from web.open311.documents import Document, Open311Error
from web.open311.timestamps import parse_w3

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
MAX_ANSWER = {"string": 200, "text": 2000}


def _pick(body: Mapping[str, Any], field: str, language: str) -> str | None:
    return body.get(f"{field}_{language}") or body.get(f"{field}_id")


def service(category: Mapping[str, Any], language: str = "id") -> dict[str, Any]:
    """One entry of `services.(json|xml)`."""
    return {
        "service_code": category["id"],
        "service_name": _pick(category, "name", language) or category["id"],
        "description": _pick(category, "description", language),
        "metadata": bool(category.get("attributes")),
        # The tracking id is issued at once: every service is realtime.
        "type": "realtime",
        "keywords": ", ".join(category.get("keywords", [])[:12]) or None,
        "group": category.get("group"),
    }


def service_list(categories: Iterable[Mapping[str, Any]], language: str = "id") -> Document:
    return Document(
        "services", [service(c, language) for c in sorted(categories, key=lambda c: c["id"])]
    )


def attribute(body: Mapping[str, Any], order: int, language: str) -> dict[str, Any]:
    described: dict[str, Any] = {
        "variable": body.get("variable", True),
        "code": body["code"],
        "datatype": body["datatype"],
        "required": bool(body.get("required", False)),
        "datatype_description": _pick(body, "datatype_description", language),
        "order": order,
        "description": _pick(body, "description", language) or body["code"],
    }
    if body["datatype"] in ("singlevaluelist", "multivaluelist"):
        described["values"] = [
            {"key": v["key"], "name": _pick(v, "name", language) or v["key"]}
            for v in body.get("values", [])
        ]
    return described


def service_definition(category: Mapping[str, Any], language: str = "id") -> Document:
    """`services/{code}.(json|xml)`: the category's attributes, in their order."""
    attributes = [
        attribute(a, i, language) for i, a in enumerate(category.get("attributes", []), start=1)
    ]
    return Document(
        "service_definition", {"service_code": category["id"], "attributes": attributes}
    )


def find_category(categories: Iterable[Mapping[str, Any]], code: str) -> Mapping[str, Any]:
    for category in categories:
        if category["id"] == code:
            return category
    raise Open311Error(
        404,
        f"service_code '{code[:60]}' tidak dikenal; daftar layanan ada di services.json",
        f"service_code '{code[:60]}' is not known; services.json lists the services",
    )


def answer_lines(
    category: Mapping[str, Any], answers: Mapping[str, list[str]], language: str = "id"
) -> list[str]:
    """The attribute answers as `Label: value` lines, after checking them against the definition.

    `answers` maps an attribute code to the values sent (`attribute[code]`, or several for a
    multivaluelist). Unknown codes, missing required answers and values outside a list are the
    client's mistakes: 400 with the attribute named.
    """
    defined = {a["code"]: a for a in category.get("attributes", [])}
    unknown = sorted(set(answers) - set(defined))
    if unknown:
        raise Open311Error(
            400,
            f"attribute '{unknown[0][:60]}' tidak ada pada layanan {category['id']}",
            f"attribute '{unknown[0][:60]}' is not defined for service {category['id']}",
        )
    lines = []
    for code, body in defined.items():
        values = [v for v in answers.get(code, []) if v.strip()]
        if not values:
            if body.get("required"):
                raise Open311Error(
                    400, f"attribute[{code}] wajib diisi", f"attribute[{code}] is required"
                )
            continue
        label = _pick(body, "description", "id") or code
        lines.append(f"{label}: {_checked(code, body, values)}")
    return lines


def _checked(code: str, body: Mapping[str, Any], values: list[str]) -> str:
    datatype = body["datatype"]
    if datatype in ("singlevaluelist", "multivaluelist"):
        names = {v["key"]: _pick(v, "name", "id") or v["key"] for v in body.get("values", [])}
        if datatype == "singlevaluelist" and len(values) > 1:
            raise Open311Error(
                400, f"attribute[{code}] hanya satu pilihan", f"attribute[{code}] takes one value"
            )
        wrong = [v for v in values if v not in names]
        if wrong:
            raise Open311Error(
                400,
                f"attribute[{code}]: '{wrong[0][:40]}' bukan pilihan yang tersedia",
                f"attribute[{code}]: '{wrong[0][:40]}' is not one of its values",
            )
        return ", ".join(names[v] for v in values)
    if len(values) > 1:
        raise Open311Error(
            400, f"attribute[{code}] hanya satu nilai", f"attribute[{code}] takes one value"
        )
    value = values[0].strip()
    if datatype == "number":
        try:
            float(value)
        except ValueError:
            raise Open311Error(
                400, f"attribute[{code}] harus berupa angka", f"attribute[{code}] must be a number"
            ) from None
    elif datatype == "datetime":
        parse_w3(value, f"attribute[{code}]")
    elif len(value) > MAX_ANSWER.get(datatype, 200):
        limit = MAX_ANSWER.get(datatype, 200)
        raise Open311Error(
            400,
            f"attribute[{code}] paling panjang {limit} karakter",
            f"attribute[{code}] is longer than {limit} characters",
        )
    return value
