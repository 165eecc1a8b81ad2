"""Permissions as the access modules take them, as etcd keeps them, and the refusals of a bad one."""

import pytest

from ansible_collections.quorum.etcd.plugins.module_utils.access import shown, wanted_permission


def test_a_prefix_becomes_the_range_etcdctl_would_grant():
    permission = wanted_permission({"key": "/app/", "prefix": True, "access": "readwrite"})
    assert permission == (b"/app/", b"/app0", "READWRITE")
    assert shown(permission) == {"key": "/app/", "range_end": "/app0", "prefix": True, "access": "readwrite"}


def test_one_key_and_a_range_are_kept_as_given():
    assert wanted_permission({"key": "/a", "access": "read"}) == (b"/a", b"", "READ")
    assert shown((b"/a", b"/c", "WRITE")) == {"key": "/a", "range_end": "/c", "prefix": False, "access": "write"}
    assert wanted_permission({"key": "/a", "range_end": "\x00", "access": "write"}) == (b"/a", b"\x00", "WRITE")


@pytest.mark.parametrize("entry, words", [
    ({"key": "/a", "prefix": True, "range_end": "/b", "access": "read"}, "give prefix or range_end, not both"),
    ({"key": "/b", "range_end": "/a", "access": "read"}, "range_end '/a' does not come after the key"),
])
def test_a_permission_that_cannot_mean_one_thing_is_refused(entry, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        wanted_permission(entry)
