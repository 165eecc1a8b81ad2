# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The schedules and the checks of the cluster's maintenance (quorum.etcd.etcd_maintenance): backups into restic
repositories, restore drills and defragmentation, each a systemd timer on every member that does its work once per
interval for the whole cluster."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

# restic's --keep-within: years, months, days and hours, such as 30d or 1y6m.
RETENTION = re.compile(r"^([0-9]+[ymdh])+$")
INTERVAL = re.compile(r"^([0-9]+)([mhdw])$")
# Go's GOMEMLIMIT: a malformed one stops restic at start.
MEMORY_LIMIT = re.compile(r"^[0-9]+(B|KiB|MiB|GiB|TiB)?$")
DURATION = re.compile(r"^([0-9]+)([smhdw])$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A timer fires within this share of the interval after its time, so that the members' timers do not
# all fire at once, and well before the interval's backup marker expires (half the interval).
RANDOMIZED_DELAY_SHARE = 10
RANDOMIZED_DELAY_MAX = 600


def timer_schedule(interval: str) -> Optional[Dict[str, Any]]:
    """The systemd calendar that repeats every interval (minutes that divide an hour, hours that divide a day, one
    day or one week), the interval in seconds, and the timer's randomized delay; None for an interval a calendar cannot
    repeat."""
    match = INTERVAL.match(str(interval or ""))
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2)
    if unit == "m" and count > 0 and 60 % count == 0:
        calendar, seconds = ("*-*-* *:00/%d:00" % count) if count < 60 else "hourly", count * 60
    elif unit == "h" and count > 0 and 24 % count == 0:
        calendar, seconds = ("*-*-* 00/%d:00:00" % count) if count < 24 else "daily", count * 3600
    elif unit == "d" and count == 1:
        calendar, seconds = "daily", 86400
    elif unit == "w" and count == 1:
        calendar, seconds = "weekly", 604800
    else:
        return None
    return {"calendar": calendar, "seconds": seconds,
            "randomized_delay": min(seconds // RANDOMIZED_DELAY_SHARE, RANDOMIZED_DELAY_MAX)}


def duration_seconds(duration: str) -> Optional[int]:
    """Seconds in a duration such as 90s, 13h or 2w; None for anything else."""
    match = DURATION.match(str(duration or ""))
    return int(match.group(1)) * SECONDS[match.group(2)] if match else None


def backup_repository(directory: str, s3_bucket: str, s3_endpoint: str, s3_prefix: str) -> str:
    """restic's repository: the S3 bucket when one is given, else a directory on each member."""
    if not s3_bucket:
        return "%s/repository" % directory.rstrip("/")
    server = s3_endpoint.rstrip("/") if s3_endpoint else "s3.amazonaws.com"
    return "s3:%s/%s" % (server, "/".join(part for part in (s3_bucket, s3_prefix.strip("/")) if part))


def maintenance_problems(settings: Dict[str, Any]) -> List[str]:
    """What the maintenance settings would not do: the backups' (none while they are off), the drills' and the
    defragmentation's."""
    return backup_problems(settings) + drill_problems(settings) + defrag_problems(settings)


def interval_problems(settings: Dict[str, Any], name: str) -> List[str]:
    """The interval setting name, unless a systemd calendar repeats it evenly."""
    if timer_schedule(settings.get(name, "")) is not None:
        return []
    return ["%s is %r: give minutes that divide an hour (15m, 30m), hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, "
            "12h), 1d or 1w, which a systemd calendar repeats evenly" % (name, settings.get(name))]


def backup_problems(settings: Dict[str, Any]) -> List[str]:
    """What the backups' settings would not do; none while backups are off."""
    s = settings
    if not s.get("etcd_backup_enabled"):
        return []
    problems = interval_problems(s, "etcd_backup_interval")
    retention = str(s.get("etcd_backup_retention") or "")
    count = s.get("etcd_backup_retention_count") or 0
    if retention and not RETENTION.match(retention):
        problems.append("etcd_backup_retention is %r: give an age restic understands, such as 30d, 12h or 1y6m "
                        "(y, m for months, d, h), or \"\" to keep by count alone" % retention)
    if not retention and not count:
        problems.append("etcd_backup_retention is empty and etcd_backup_retention_count is 0, which would keep every "
                        "backup forever: set one of them (30d; or 28, four weeks of 6-hourly backups)")
    memory_limit = str(s.get("etcd_backup_memory_limit") or "")
    if memory_limit and not MEMORY_LIMIT.match(memory_limit):
        problems.append("etcd_backup_memory_limit is %r: give an amount Go understands, such as 96MiB or 1GiB "
                        "(B, KiB, MiB, GiB, TiB), or \"\" to leave restic's memory to Go" % memory_limit)
    if not s.get("etcd_backup_password"):
        problems.append("etcd_backup_password is empty: the backups are encrypted with it (restic), and it is the "
                        "only way to read them back; set it from a vault (ansible-vault, or an AWX credential) and "
                        "keep a copy away from the members and the backups")
    if s.get("etcd_backup_s3_bucket"):
        endpoint = str(s.get("etcd_backup_s3_endpoint") or "")
        parts = urlsplit(endpoint)
        if endpoint and (parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/")):
            problems.append("etcd_backup_s3_endpoint is %r: give the S3 server's URL, such as "
                            "https://minio.example.com:9000, or \"\" for AWS" % endpoint)
        if bool(s.get("etcd_backup_s3_access_key")) != bool(s.get("etcd_backup_s3_secret_key")):
            problems.append("etcd_backup_s3_access_key and etcd_backup_s3_secret_key go together: give both, or "
                            "neither to use the members' instance role")
    return problems


def drill_problems(settings: Dict[str, Any]) -> List[str]:
    """What the restore drills' settings would not do; none while backups or drills are off."""
    s = settings
    if not (s.get("etcd_backup_enabled") and s.get("etcd_backup_drill_enabled")):
        return []
    problems = interval_problems(s, "etcd_backup_drill_interval")
    max_age = s.get("etcd_backup_max_age") or ""
    if max_age and not duration_seconds(max_age):
        problems.append("etcd_backup_max_age is %r: give a duration such as 13h or 2d (s, m, h, d, w), or \"\" for "
                        "twice etcd_backup_interval" % max_age)
    return problems


def defrag_problems(settings: Dict[str, Any]) -> List[str]:
    """What the defragmentation's settings would not do; none while it is off."""
    s = settings
    if not s.get("etcd_defrag_enabled"):
        return []
    problems = interval_problems(s, "etcd_defrag_interval")
    threshold_bytes = _number(s.get("etcd_defrag_threshold_bytes"), int)
    if threshold_bytes is None or threshold_bytes < 0:
        problems.append("etcd_defrag_threshold_bytes is %r: give the free bytes above which a member is defragmented, "
                        "such as 104857600 (100 MiB), or 0 for any" % (s.get("etcd_defrag_threshold_bytes"),))
    ratio = _number(s.get("etcd_defrag_threshold_ratio"), float)
    if ratio is None or not 0 <= ratio < 1:
        problems.append("etcd_defrag_threshold_ratio is %r: give the share of the database that must be free, from 0 "
                        "(any) up to but not including 1, such as 0.1" % (s.get("etcd_defrag_threshold_ratio"),))
    return problems


def _number(value: Any, kind: type) -> Any:
    """The value as an int or a float (extra vars given as key=value are strings), or None."""
    if isinstance(value, bool):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


def timers_plan(timer_paths: Dict[str, List[str]], wanted: List[str], managed_paths: List[Dict[str, Any]],
                timers: Dict[str, Dict[str, Any]], units_written: bool) -> Dict[str, List[str]]:
    """What the role does with its timers on a member, from what the member has (etcd_host_info's managed_paths
    and timers). A timer's work counts as installed while any of its paths is there (a run that failed before it
    wrote the units left the rest), and all of it goes when the work is turned off. A timer starts when it is not
    running and enabled already, and every wanted timer starts again when a unit changed."""
    present = {entry.get("path") for entry in managed_paths if entry.get("state") == "file"}
    installed = [name for name, paths in timer_paths.items() if any(path in present for path in paths)]
    unwanted = [name for name in installed if name not in wanted]
    running = {name for name, state in timers.items() if state.get("active") and state.get("enabled")}
    return {
        "absent_paths": [path for paths in timer_paths.values() for path in paths if path not in present],
        "installed": installed,
        "unwanted": unwanted,
        "unwanted_paths": [path for name in unwanted for path in timer_paths[name] if path in present],
        "to_start": list(wanted) if units_written else [name for name in wanted if name not in running],
    }
