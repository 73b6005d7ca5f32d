"""The front end in AWS: a private bucket behind CloudFront with origin access control, the API
behind the same distribution, and the same security headers as the local gateway."""

from __future__ import annotations

from infra.deploy_frontend import console_config, upload_plan
from infra.local import static
from infra.local import template as tpl


def resources():
    return tpl.load()["Resources"]


def test_the_bucket_is_private_and_read_only_through_cloudfront():
    r = resources()
    block = r["FrontendBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values())
    allow = r["FrontendBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in allow["Condition"]["StringEquals"]
    origin = r["FrontendDistribution"]["Properties"]["DistributionConfig"]["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["FrontendOriginAccessControl", "Id"]}


def test_the_api_paths_go_to_the_http_api_uncached():
    config = resources()["FrontendDistribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviours) == {
        "/v1/*",
        "/webhooks/*",
        "/open311/*",
        "/openapi.json",
        "/lacak",  # the tracking page, rendered by the web function
        "/lacak/*",
    }
    for behaviour in behaviours.values():
        assert behaviour["TargetOriginId"] == "api"
        assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    assert set(static.API_PREFIXES) | set(static.API_PATHS) == {p.rstrip("*") for p in behaviours}


def test_cloudfront_sends_the_headers_the_local_gateway_sends():
    policy = resources()["FrontendSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = policy["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"].replace(
        "${AWS::Region}", "ap-southeast-3"
    )
    expected = static.SECURITY_HEADERS
    assert csp == expected["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    hsts = headers["StrictTransportSecurity"]
    assert (
        f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains; preload"
        == expected["strict-transport-security"]
    )
    assert headers["FrameOptions"]["FrameOption"] == expected["x-frame-options"]
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == expected["referrer-policy"]
    assert headers["ContentTypeOptions"] == {"Override": True}


def test_the_deploy_uploads_every_file_with_its_type_and_writes_the_console_config():
    plan = {key: (content_type, cache) for key, _, content_type, cache in upload_plan()}
    assert plan["console/index.html"] == ("text/html; charset=utf-8", "no-cache")
    assert plan["console/app.js"][0] == "text/javascript; charset=utf-8"
    assert plan["vendor/htm@3.1.1/standalone.module.js"][1].endswith("immutable")
    config = console_config(
        {
            "OfficerUserPoolId": "ap-southeast-3_abc",
            "OfficerUserPoolClientId": "client",
            "CityName": "Kabupaten Sleman",
        },
        "ap-southeast-3",
    )
    assert config == {
        "region": "ap-southeast-3",
        "userPoolId": "ap-southeast-3_abc",
        "clientId": "client",
        "apiBase": "",
        "cityName": "Kabupaten Sleman",
    }
