"""The citizens' routes are throttled, rate limited per client IP in front, and their photo
uploads can only land in the inbox."""

from __future__ import annotations

from pathlib import Path

from infra.local import template

ROOT = Path(__file__).resolve().parents[2]
SAM = template.load()
RESOURCES = SAM["Resources"]
PUBLIC_WRITES = [
    "POST /v1/complaints",
    "POST /v1/uploads",
    "POST /v1/complaints/{tracking_id}/replies",
    "POST /v1/complaints/{tracking_id}/rating",
]


def test_every_route_has_a_ceiling_and_the_public_writes_a_lower_one():
    api = RESOURCES["HttpApi"]["Properties"]
    default = api["DefaultRouteSettings"]
    assert default["ThrottlingRateLimit"] > 0 and default["ThrottlingBurstLimit"] > 0
    routes = api["RouteSettings"]
    for route in PUBLIC_WRITES + ["GET /v1/complaints/{tracking_id}", "GET /lacak/{tracking_id}"]:
        assert routes[route]["ThrottlingRateLimit"] < default["ThrottlingRateLimit"], route
    # each throttled route really exists on the web function
    events = RESOURCES["WebFunction"]["Properties"]["Events"].values()
    declared = {f"{e['Properties']['Method']} {e['Properties']['Path']}" for e in events}
    assert set(routes) <= declared


def test_the_web_function_may_only_put_photos_into_the_web_inbox():
    statements = RESOURCES["WebFunction"]["Properties"]["Policies"][0]["Statement"]
    s3 = [s for s in statements if any(a.startswith("s3:") for a in s["Action"])]
    assert [s["Action"] for s in s3] == [["s3:PutObject"]]
    assert s3[0]["Resource"] == {"Fn::Sub": "${MediaBucket.Arn}/inbox/web/*"}
    cors = RESOURCES["MediaBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert [rule["AllowedMethods"] for rule in cors] == [["POST"]]


def test_the_distribution_takes_the_waf_and_the_waf_limits_each_client_ip():
    config = RESOURCES["FrontendDistribution"]["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {
        "Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]
    }
    waf = template.load(ROOT / "infra" / "waf.yaml")
    acl = waf["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {r["Name"]: r["Statement"]["RateBasedStatement"] for r in acl["Rules"]}
    assert set(rules) == {"writes-per-ip", "lookups-per-ip", "all-per-ip"}
    assert all(r["AggregateKeyType"] == "IP" for r in rules.values())
    assert all(
        r["Action"]
        == {"Block": {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": "too-many"}}}
        for r in acl["Rules"]
    )


def test_the_tracking_page_goes_to_the_api_uncached():
    config = RESOURCES["FrontendDistribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    for path in ("/lacak", "/lacak/*"):
        assert behaviours[path]["TargetOriginId"] == "api"
        assert behaviours[path]["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
