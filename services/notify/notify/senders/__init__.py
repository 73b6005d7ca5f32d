"""One sender per provider. Each returns the provider's message id or raises
``aduan.provider_http.SendFailed``."""
