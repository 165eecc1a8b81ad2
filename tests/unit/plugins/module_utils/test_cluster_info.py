"""What etcd_info and etcd_host_info (read_cluster) return of the cluster, and of a cluster that does not answer."""

from __future__ import annotations

from ansible_collections.quorum.etcd.plugins.module_utils.cluster_info import cluster_or_problem
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import EtcdError

ENDPOINTS = ["https://10.0.0.1:2379", "https://10.0.0.2:2379"]


class Cluster:
    """Two members that answer, the second the leader; or, with answering=False, endpoints that refuse."""

    def __init__(self, answering: bool = True):
        self.endpoints, self.user, self.timeout = ENDPOINTS, None, 5
        self.ca_cert = self.client_cert = self.client_key = None
        self.answering = answering

    def member_list(self):
        if not self.answering:
            raise EtcdError("connection refused", ENDPOINTS[0])
        return "c1", [{"id": "%x" % n, "name": "m%d" % n, "client_urls": [url], "peer_urls": [], "is_learner": False}
                      for n, url in enumerate(ENDPOINTS, start=1)]

    def alarms(self):
        return []

    def first_status(self, urls, timeout=None):
        if not self.answering:
            return None, "connection refused"
        n = ENDPOINTS.index(urls[0]) + 1
        return {"endpoint": urls[0], "id": "%x" % n, "leader": "2", "cluster_id": "c1", "db_size": 1, "db_size_in_use": 1,
                "raft_index": 9, "raft_applied_index": 9, "raft_term": 2, "revision": 4, "version": "3.5.16",
                "errors": []}, ""

    def version(self, endpoint):
        return {"server": "3.5.16", "cluster": "3.5.0"}

    def health(self, endpoint):
        return True, ""


def test_the_cluster_version_is_the_clusters_not_each_members():
    read = cluster_or_problem(Cluster())
    assert read["cluster_version"] == "3.5.0" and read["leader_name"] == "m2"
    assert all("cluster_version" not in member for member in read["members"])
    assert [member["server_version"] for member in read["members"]] == ["3.5.16", "3.5.16"]


def test_a_cluster_that_does_not_answer_is_reported_with_what_each_endpoint_said():
    read = cluster_or_problem(Cluster(answering=False))
    assert set(read) == {"msg", "statuses"}
    assert read["msg"] == "reading the etcd cluster's state failed: connection refused"
    assert [(s["endpoint"], s["answered"], s["reason"]) for s in read["statuses"]] == [
        (ENDPOINTS[0], False, "connection refused"), (ENDPOINTS[1], False, "connection refused")]
