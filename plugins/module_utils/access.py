# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""etcd's access control as declared state: roles and their permissions, users and their roles, authentication
on or off. Each function compares what etcd has with what is asked, changes only the difference (nothing in
check mode), and returns the module's result."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible.module_utils.common.text.converters import to_bytes, to_text

from ansible_collections.quorum.etcd.plugins.module_utils.etcd_client import (
    EtcdClient, EtcdError, client_or_fail, prefix_range_end)

ACCESS = {"read": "READ", "write": "WRITE", "readwrite": "READWRITE"}
ROOT = "root"

# One permission as etcd keeps it: (key, range_end, READ|WRITE|READWRITE); an empty range end is one key.
Permission = Tuple[bytes, bytes, str]


def permission_spec() -> dict:
    return dict(
        key=dict(type="str", required=True, no_log=False),
        prefix=dict(type="bool", default=False),
        range_end=dict(type="str", no_log=False),
        access=dict(type="str", required=True, choices=sorted(ACCESS)),
    )


def run_module(module, apply: Callable[[EtcdClient], Dict[str, Any]], doing: str) -> None:
    """Exits the module with what apply did; a refusal (ValueError) as it is, an error of etcd's after doing."""
    client = client_or_fail(module)
    try:
        result = apply(client)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    except EtcdError as exc:
        module.fail_json(msg="%s failed: %s" % (doing, exc))
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


def wanted_permission(entry: Dict[str, Any]) -> Permission:
    """A permission as the module takes it (key, prefix or range_end, access), as etcd keeps it."""
    key = to_bytes(entry["key"])
    if entry.get("prefix") and entry.get("range_end") is not None:
        raise ValueError("permission on %r: give prefix or range_end, not both" % entry["key"])
    if entry.get("prefix"):
        range_end = prefix_range_end(key)
    else:
        range_end = to_bytes(entry.get("range_end") or "")
    if range_end and range_end != b"\x00" and range_end <= key:
        raise ValueError("permission on %r: range_end %r does not come after the key" % (entry["key"], entry["range_end"]))
    return key, range_end, ACCESS[entry["access"]]


def shown(permission: Permission) -> Dict[str, Any]:
    key, range_end, access = permission
    result: Dict[str, Any] = {"key": to_text(key, errors="surrogate_or_replace"), "access": access.lower()}
    if range_end:
        result["range_end"] = to_text(range_end, errors="surrogate_or_replace")
        result["prefix"] = range_end == prefix_range_end(key)
    return result


def _result(changed: bool, actions: List[str], before: Dict[str, Any], after: Dict[str, Any], **extra) -> Dict[str, Any]:
    return dict(changed=changed, actions=actions, diff={"before": before, "after": after}, **extra)


def apply_role(client: EtcdClient, name: str, state: str, permissions: List[Dict[str, Any]],
               append: bool, check_mode: bool) -> Dict[str, Any]:
    try:
        wanted = [wanted_permission(entry) for entry in permissions]
    except ValueError as exc:
        raise ValueError("role %s: %s" % (name, exc)) from None
    exists = name in client.roles()
    current: List[Permission] = []
    if exists:
        current = [(p["key"], p["range_end"], p["permission"]) for p in client.role_permissions(name)]
    before = {"name": name, "state": "present" if exists else "absent", "permissions": [shown(p) for p in current]}
    if state == "absent":
        after = {"name": name, "state": "absent", "permissions": []}
        if exists and not check_mode:
            client.role_delete(name)
        return _result(exists, ["deleted"] if exists else [], before, after, role=after)

    to_grant, to_revoke, final = permission_changes(current, wanted, append)
    actions = (([] if exists else ["added"]) + ["granted %s" % _describe(p) for p in to_grant]
               + ["revoked %s" % _describe(p) for p in to_revoke])
    if not check_mode:
        if not exists:
            client.role_add(name)
        for key, range_end, access in to_revoke:
            client.role_revoke(name, key, range_end)
        for key, range_end, access in to_grant:
            client.role_grant(name, access, key, range_end=range_end)
    after = {"name": name, "state": "present", "permissions": [shown(p) for p in final]}
    return _result(bool(actions), actions, before, after, role=after)


def permission_changes(current: List[Permission], wanted: List[Permission],
                       append: bool) -> Tuple[List[Permission], List[Permission], List[Permission]]:
    """The permissions to grant and to revoke to turn a role's current ones into the wanted ones (with append, none
    is revoked), and the role's permissions afterwards. A range granted anew replaces its old access."""
    wanted_ranges = {(key, range_end) for key, range_end, access in wanted}
    to_grant = [p for p in wanted if p not in current]
    to_revoke = [] if append else [p for p in current if (p[0], p[1]) not in wanted_ranges]
    granted_ranges = {(key, range_end) for key, range_end, access in to_grant}
    final = [p for p in current if p not in to_revoke and (p[0], p[1]) not in granted_ranges] + to_grant
    return to_grant, to_revoke, final


def _describe(permission: Permission) -> str:
    view = shown(permission)
    where = view["key"]
    if view.get("prefix"):
        where = "prefix %s" % where
    elif "range_end" in view:
        where = "[%s, %s)" % (where, view["range_end"])
    return "%s on %s" % (view["access"], where)


def apply_user(client: EtcdClient, name: str, state: str, password: Optional[str], update_password: str,
               roles: Optional[List[str]], append: bool, check_mode: bool) -> Dict[str, Any]:
    exists = name in client.users()
    current_roles = client.user_roles(name) if exists else []
    before = {"name": name, "state": "present" if exists else "absent", "roles": sorted(current_roles)}
    if state == "absent":
        after = {"name": name, "state": "absent", "roles": []}
        if exists and not check_mode:
            client.user_delete(name)
        return _result(exists, ["deleted"] if exists else [], before, after, user=after)

    wanted_roles = list(dict.fromkeys(roles or []))
    missing = [role for role in wanted_roles if role not in client.roles()]
    # In check mode a task before this one may only have reported that it would make the role.
    if missing and not check_mode:
        raise ValueError("user %s: the role %s does not exist; create it first (quorum.etcd.etcd_role)"
                         % (name, ", ".join(missing)))
    actions = []
    if not exists:
        actions.append("added with a password" if password is not None else "added without a password (certificate only)")
    elif password is not None and update_password == "always":
        accepted = client.authenticates(name, password)
        if accepted is not True:
            actions.append("password set" + (" (authentication is off: etcd cannot tell whether it changed)"
                                             if accepted is None else ""))
    to_grant, to_revoke = role_changes(current_roles, wanted_roles, append or roles is None)
    actions += ["granted role %s%s" % (role, ", once it exists (it does not yet)" if role in missing else "")
                for role in to_grant]
    actions += ["revoked role %s" % role for role in to_revoke]
    if not check_mode:
        if not exists:
            client.user_add(name, password)
        elif any(action.startswith("password set") for action in actions):
            client.user_change_password(name, password)
        for role in to_revoke:
            client.user_revoke_role(name, role)
        for role in to_grant:
            client.user_grant_role(name, role)
    final_roles = sorted(role for role in current_roles + to_grant if role not in to_revoke)
    after = {"name": name, "state": "present", "roles": final_roles}
    return _result(bool(actions), actions, before, after, user=after)


def role_changes(current: List[str], wanted: List[str], append: bool) -> Tuple[List[str], List[str]]:
    """The roles to grant a user and to revoke from it (none with append)."""
    to_grant = [role for role in wanted if role not in current]
    return to_grant, [] if append else [role for role in current if role not in wanted]


def apply_auth(client: EtcdClient, enabled: bool, check_mode: bool) -> Dict[str, Any]:
    """Turns authentication on or off; the result also names the users and roles etcd has."""
    current = client.auth_enabled()
    users, roles = client.users(), client.roles()
    before, after = {"enabled": current}, {"enabled": enabled}
    if current == enabled:
        return _result(False, [], before, after, enabled=current, users=users, roles=roles)
    actions = ["enabled" if enabled else "disabled"]
    if enabled and not (ROOT in users and ROOT in client.user_roles(ROOT)):
        if not check_mode:
            raise ValueError("authentication was not enabled: etcd needs a user root with the role root first, or "
                             "nothing could manage it afterwards; create them with quorum.etcd.etcd_role (name: root) "
                             "and quorum.etcd.etcd_user (name: root, roles: [root])")
        # In check mode a task before this one may only have reported that it would make root.
        actions = ["enabled, once a user root with the role root exists (it does not yet)"]
    if not check_mode:
        if enabled:
            client.auth_enable()
        else:
            client.auth_disable()
    return _result(True, actions, before, after, enabled=enabled, users=users, roles=roles)


def read_access(client: EtcdClient) -> Dict[str, Any]:
    """Whether authentication is on, every user with its roles, every role with its permissions (as shown)."""
    return {
        "enabled": client.auth_enabled(),
        "users": [{"name": name, "roles": sorted(client.user_roles(name))} for name in client.users()],
        "roles": [{"name": name, "permissions": [shown((p["key"], p["range_end"], p["permission"]))
                                                 for p in client.role_permissions(name)]}
                  for name in client.roles()],
    }


def access_changes(plan: Dict[str, List[Dict[str, Any]]], roles: List[Dict[str, Any]],
                   users: List[Dict[str, Any]]) -> Dict[str, List[str]]:
    """The names of the planned roles and users (etcd_access_plan) that etcd does not have as planned (the roles and
    users read_access found), the ones etcd_role and etcd_user must be run for; the others would report no change. A
    user whose password is set on every run (update_password: always) is always among them: only etcd can tell
    whether the password changed."""
    roles_found = {role["name"]: [_kept(view) for view in role["permissions"]] for role in roles}
    users_found = {user["name"]: user["roles"] for user in users}
    return {
        "roles": [role["name"] for role in plan["roles"]
                  if role["name"] not in roles_found
                  or any(permission_changes(roles_found[role["name"]],
                                            [wanted_permission(p) for p in role["permissions"]], append=False)[:2])],
        "users": [user["name"] for user in plan["users"]
                  if user["name"] not in users_found or (user["has_password"] and user["update_password"] == "always")
                  or any(role_changes(users_found[user["name"]], list(dict.fromkeys(user["roles"])), append=False))],
    }


def _kept(view: Dict[str, Any]) -> Permission:
    """A permission as shown, back as etcd keeps it."""
    return (to_bytes(view["key"], errors="surrogate_or_strict"),
            to_bytes(view.get("range_end") or "", errors="surrogate_or_strict"), view["access"].upper())
