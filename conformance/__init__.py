"""The conformance kit: runs the spec's scenarios and property checks against a gateway."""
