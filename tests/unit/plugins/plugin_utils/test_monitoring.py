import pytest

from ansible_collections.quorum.etcd.plugins.plugin_utils.monitoring import monitoring_problems

PROMETHEUS = {"name": "prometheus", "prefix": "/prometheus/", "access": "read", "hosts": ["prometheus-1"]}


def problems(clients=(), directory="/home/ops/.quorum-etcd/prod/monitoring", interval="", scheme="http", client=""):
    return monitoring_problems(list(clients), directory, interval, scheme, client)


@pytest.mark.parametrize("interval", ["", None, "10s", "1m", "2h"])
def test_plain_http_needs_no_client_and_takes_these_intervals(interval):
    assert problems(interval=interval) == []


def test_tls_needs_prometheus_declared_and_named():
    assert problems([PROMETHEUS], scheme="https", client="prometheus") == []
    [unnamed] = problems([PROMETHEUS], scheme="https")
    assert unnamed.startswith("etcd_metrics_scheme is https, so Prometheus must present a client certificate of the "
                              "cluster's CA: declare it in etcd_clients, such as {name: prometheus, prefix: /prometheus/")
    assert problems(scheme="https", client="scraper") == [
        "etcd_monitoring_client is 'scraper', which etcd_clients does not declare: add it, such as {name: scraper, "
        "prefix: /prometheus/, access: read, hosts: [the Prometheus servers]}"]


@pytest.mark.parametrize("interval", ["10 seconds", "0s", "1.5s", "1d", 10])
def test_an_interval_prometheus_would_refuse_or_the_collection_cannot_reason_about(interval):
    assert problems(interval=interval) == [
        "etcd_monitoring_scrape_interval is %r: give a whole number of seconds, minutes or hours, like 10s or 1m, or "
        "\"\" for Prometheus's global one" % (interval,)]


def test_a_relative_directory_is_refused():
    assert problems(directory="monitoring") == ["etcd_monitoring_dir is 'monitoring': give an absolute path on the controller"]
