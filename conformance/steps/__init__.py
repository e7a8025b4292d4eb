"""The step library: generic Given/When/Then steps over HTTP, loaded as pytest plugins."""
