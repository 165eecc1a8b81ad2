# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitoring role's inputs: what would make the scrape configuration it writes unusable."""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Sequence

from ansible_collections.quorum.etcd.plugins.plugin_utils.controller_dirs import controller_dir_problems

# What Prometheus takes for a scrape interval that the collection can reason about: whole seconds, minutes or hours.
SCRAPE_INTERVAL = re.compile(r"^[1-9][0-9]*[smh]$")


def monitoring_problems(clients: Sequence[Mapping[str, Any]], directory: Any, scrape_interval: Any,
                        metrics_scheme: str, client_name: str) -> List[str]:
    """etcd_monitoring_dir, etcd_monitoring_scrape_interval, and with etcd_metrics_scheme https, Prometheus's entry
    of etcd_clients (client_name, etcd_monitoring_client)."""
    problems = controller_dir_problems("etcd_monitoring_dir", directory)
    if scrape_interval not in ("", None) and not (isinstance(scrape_interval, str) and SCRAPE_INTERVAL.match(scrape_interval)):
        problems.append("etcd_monitoring_scrape_interval is %r: give a whole number of seconds, minutes or hours, "
                        "like 10s or 1m, or \"\" for Prometheus's global one" % (scrape_interval,))
    if metrics_scheme == "https":
        declared = [client.get("name") for client in clients if isinstance(client, Mapping)]
        entry = "{name: prometheus, prefix: /prometheus/, access: read, hosts: [the Prometheus servers]}"
        if not client_name:
            problems.append("etcd_metrics_scheme is https, so Prometheus must present a client certificate of the "
                            "cluster's CA: declare it in etcd_clients, such as %s, and name it in "
                            "etcd_monitoring_client" % entry)
        elif client_name not in declared:
            problems.append("etcd_monitoring_client is %r, which etcd_clients does not declare: add it, such as %s"
                            % (client_name, entry.replace("prometheus,", "%s," % client_name, 1)))
    return problems
