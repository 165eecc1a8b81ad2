"""The access control an inventory declares: what the etcd_access role makes, and what it refuses."""

from ansible_collections.quorum.etcd.plugins.module_utils.settings_check import argument_problems
from ansible_collections.quorum.etcd.plugins.plugin_utils.access_plan import access_plan, access_problems

ROLES = [{"name": "audit", "permissions": [{"key": "/", "prefix": True, "access": "read"}]}]
USERS = [{"name": "auditor", "password": "s3cret", "roles": ["audit"]}, {"name": "ci", "roles": ["billing"]}]
CLIENTS = [{"name": "billing", "prefix": "/billing/", "access": "readwrite"},
           {"name": "reports", "prefix": "/reports/", "access": "read", "password": "pw"}]


def test_root_first_then_the_declared_then_the_clients():
    plan = access_plan(ROLES, USERS, CLIENTS)
    assert plan["roles"] == [
        {"name": "root", "permissions": []},
        ROLES[0],
        {"name": "billing", "permissions": [{"key": "/billing/", "prefix": True, "access": "readwrite"}]},
        {"name": "reports", "permissions": [{"key": "/reports/", "prefix": True, "access": "read"}]},
    ]
    assert [(u["name"], u["roles"], u["has_password"]) for u in plan["users"]] == [
        ("root", ["root"], True), ("auditor", ["audit"], True), ("ci", ["billing"], False),
        ("billing", ["billing"], False), ("reports", ["reports"], True)]


def test_root_is_made_only_with_a_password():
    plan = access_plan([], [], CLIENTS, root=False)
    assert [r["name"] for r in plan["roles"]] == ["billing", "reports"]
    assert [u["name"] for u in plan["users"]] == ["billing", "reports"]


def test_no_password_is_in_the_plan():
    assert "s3cret" not in repr(access_plan(ROLES, USERS, CLIENTS)) and "'pw'" not in repr(access_plan(ROLES, USERS, CLIENTS))


def test_a_sound_declaration_has_no_problem():
    assert access_problems(ROLES, USERS, CLIENTS, True, "rootpw") == []


def test_each_problem_names_the_variable():
    permissions = [{"key": "/b", "range_end": "/a", "access": "read"}, {"key": "/c", "prefix": True, "range_end": "/d"}]
    problems = access_problems(
        [{"name": "root"}, {"name": "billing"}, {"name": "a", "permissions": permissions}, {"name": "a"}],
        [{"name": "root"}, {"name": "ops", "roles": ["operators"]}, {"name": "reports"}],
        CLIENTS, True, "")
    assert problems == [
        "etcd_auth_enabled is true but etcd_root_password is empty: set etcd_root_password (in a vault): etcd's root "
        "user is made with it, and the roles act as root once authentication is on",
        "etcd_roles declares root: etcd's root role is made by the collection and grants everything; remove it from "
        "etcd_roles",
        "etcd_roles declares billing, which is also a client of etcd_clients: give the role another name",
        "etcd_roles declares a twice: give each role one entry",
        "etcd_roles: role a's permission on /b has range_end /a, which does not come after the key",
        "etcd_roles: role a's permission on /c gives both prefix and range_end: give one",
        "etcd_users declares root: the collection makes it from etcd_root_password; remove it from etcd_users",
        "etcd_users declares reports, which is also a client of etcd_clients: give the user another name",
        "etcd_users: user ops has the role operators, which neither etcd_roles nor etcd_clients declares: declare it "
        "in etcd_roles",
    ]


def test_an_entry_option_is_named_after_its_variable():
    spec = {"etcd_roles": {"type": "list", "elements": "dict", "options": {
        "name": {"type": "str", "required": True},
        "permissions": {"type": "list", "elements": "dict", "options": {
            "access": {"type": "str", "choices": ["read", "write", "readwrite"], "required": True}}}}}}
    problems = argument_problems({"etcd_roles": [{"name": "a", "permissions": [{"access": "admin"}]}]}, spec)
    assert problems == ["etcd_roles -> permissions -> access must be one of: read, write, readwrite, got: admin"]
