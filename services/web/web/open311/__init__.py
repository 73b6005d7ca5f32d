"""Open311 GeoReport v2 (with mySociety's service request updates) on the citizens' HTTP API.

Civic apps speak this standard: they list the services (the categories), read public requests
(the complaints anyone may see) and file new ones, which go through the same intake path as the
web form. Pure modules decide (`services`, `service_requests`, `queries`, `submission`,
`updates`, `documents`); `routes` is the thin HTTP layer.
"""
