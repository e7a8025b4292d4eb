"""Binds every scenario of features/ as a test of the kit's pytest session."""

from pytest_bdd import scenarios

from webhook_spec.paths import data_dir

scenarios(str(data_dir("features")))
