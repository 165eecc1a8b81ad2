# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access control an inventory declares (etcd_roles, etcd_users, etcd_clients, etcd_root_password), as the
roles and users the etcd_access role makes, and what in it etcd or the roles could not take."""

from __future__ import annotations

from typing import Any, Dict, List

ROOT = "root"
ACCESS = ("read", "write", "readwrite")


def _entries(value: Any) -> List[Dict[str, Any]]:
    return [entry for entry in (value or []) if isinstance(entry, dict)]


def access_plan(roles: Any, users: Any, clients: Any, root: bool = True) -> Dict[str, List[Dict[str, Any]]]:
    """The roles, then the users, to make: root first (when it has a password to be made with), then the declared
    ones, then one role and one user per client. A user's password is not in it (the role looks it up by name), so
    that no loop shows it."""
    planned_roles = [{"name": ROOT, "permissions": []}] if root else []
    planned_roles += [{"name": role["name"], "permissions": list(role.get("permissions") or [])}
                      for role in _entries(roles)]
    planned_roles += [{"name": client["name"],
                       "permissions": [{"key": client["prefix"], "prefix": True,
                                        "access": client.get("access") or "readwrite"}]}
                      for client in _entries(clients)]
    planned_users = [{"name": ROOT, "roles": [ROOT], "has_password": True, "update_password": "on_create"}] if root else []
    planned_users += [{"name": user["name"], "roles": list(user.get("roles") or []),
                       "has_password": user.get("password") is not None,
                       "update_password": user.get("update_password") or "on_create"}
                      for user in _entries(users)]
    planned_users += [{"name": client["name"], "roles": [client["name"]],
                       "has_password": client.get("password") is not None, "update_password": "on_create"}
                      for client in _entries(clients)]
    return {"roles": planned_roles, "users": planned_users}


def access_problems(roles: Any, users: Any, clients: Any, auth_enabled: bool, root_password: str) -> List[str]:
    """One sentence per problem, each naming the variable and how to put it right."""
    problems = []
    if auth_enabled and not root_password:
        problems.append("etcd_auth_enabled is true but etcd_root_password is empty: set etcd_root_password (in a "
                        "vault): etcd's root user is made with it, and the roles act as root once authentication is on")
    client_names = {client.get("name") for client in _entries(clients)}
    role_names = [role.get("name") for role in _entries(roles)]
    problems += _name_problems("etcd_roles", "role", role_names, client_names,
                               "etcd's root role is made by the collection and grants everything")
    for role in _entries(roles):
        name = role.get("name")
        for permission in _entries(role.get("permissions")):
            key = permission.get("key")
            if not key:
                problems.append("etcd_roles: role %s has a permission without a key: give the key, or the prefix "
                                "with prefix: true" % name)
            elif permission.get("prefix") and permission.get("range_end") is not None:
                problems.append("etcd_roles: role %s's permission on %s gives both prefix and range_end: give one"
                                % (name, key))
            elif permission.get("range_end") and str(permission["range_end"]) <= str(key):
                problems.append("etcd_roles: role %s's permission on %s has range_end %s, which does not come after "
                                "the key" % (name, key, permission["range_end"]))
    problems += _name_problems("etcd_users", "user", [user.get("name") for user in _entries(users)], client_names,
                               "the collection makes it from etcd_root_password")
    known_roles = set(role_names) | client_names | {ROOT}
    for user in _entries(users):
        undeclared = [role for role in user.get("roles") or [] if role not in known_roles]
        if undeclared:
            problems.append("etcd_users: user %s has the role %s, which neither etcd_roles nor etcd_clients "
                            "declares: declare it in etcd_roles" % (user.get("name"), ", ".join(map(str, undeclared))))
    return problems


def _name_problems(variable: str, kind: str, names: List[Any], client_names: set, root_reason: str) -> List[str]:
    """Root, a client's name (whose user and role the client has) or a name given twice, among declared names."""
    problems = []
    seen = set()
    for name in names:
        if name == ROOT:
            problems.append("%s declares root: %s; remove it from %s" % (variable, root_reason, variable))
        elif name in client_names:
            problems.append("%s declares %s, which is also a client of etcd_clients: give the %s another name"
                            % (variable, name, kind))
        elif name in seen:
            problems.append("%s declares %s twice: give each %s one entry" % (variable, name, kind))
        seen.add(name)
    return problems
